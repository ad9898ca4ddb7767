namespace OrleansAttest.Grains.Policies;

/// <summary>One evaluator's judgement: pass, or a stable reason code and a sentence naming the exact problem.</summary>
public sealed record PolicyOutcome(bool Passed, string? ReasonCode, string Detail)
{
    public static PolicyOutcome Pass(string detail) => new(true, null, detail);

    public static PolicyOutcome Fail(string reasonCode, string detail) => new(false, reasonCode, detail);
}
