namespace OrleansAttest.Grains.Verification;

/// <summary>A failed check: a stable kebab-case reason code and a sentence naming the exact problem.</summary>
public sealed record CheckFailure(string ReasonCode, string Detail)
{
    public override string ToString() => $"{ReasonCode}: {Detail}";
}
