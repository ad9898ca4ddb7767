namespace OrleansAttest.Grains.Interfaces;

/// <summary>Outcome of a call that can be refused: on refusal a stable kebab-case reason code and a sentence naming the problem.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.OperationResult")]
public sealed record OperationResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? ReasonCode,
    [property: Id(2)] string Detail)
{
    public static OperationResult Ok(string detail = "ok") => new(true, null, detail);

    public static OperationResult Refused(string reasonCode, string detail) => new(false, reasonCode, detail);
}
