namespace OrleansAttest.Grains.Interfaces;

/// <summary>What an agent says first (DESIGN.md step 2). Keys are marshalled TPMT_PUBLIC areas.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.AgentHello")]
public sealed record AgentHello(
    [property: Id(0)] string NodeName,
    [property: Id(1)] byte[] EkPublic,
    [property: Id(2)] byte[]? EkCertificate,
    [property: Id(3)] byte[] AkPublic,
    [property: Id(4)] string[] PcrBanks,
    [property: Id(5)] string AgentVersion);
