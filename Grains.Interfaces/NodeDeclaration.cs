namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// An operator's declaration of a node (the EdgeNode spec): whom to admit and under which policy. Either the EK
/// certificate (PEM or DER) or the EK public hash (lower-case hex SHA-256 of the marshalled TPMT_PUBLIC) pins
/// the TPM; with neither, admission relies on the EK certificate chaining to the trusted EK CA bundle (only when
/// the silo's admission options allow that).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.NodeDeclaration")]
public sealed record NodeDeclaration(
    [property: Id(0)] string NodeName,
    [property: Id(1)] string PolicyName,
    [property: Id(2)] byte[]? EkCertificate = null,
    [property: Id(3)] string? EkPublicSha256 = null,
    [property: Id(4)] bool Suspend = false);
