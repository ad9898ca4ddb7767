namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>One measured-boot rule's verdict: the rule's name (as in the policy file), pass or a reason code, and a sentence.</summary>
public sealed record RuleVerdict(string Rule, bool Passed, string? ReasonCode, string Detail)
{
    public static RuleVerdict Pass(string rule, string detail) => new(rule, true, null, detail);

    public static RuleVerdict Fail(string rule, string reasonCode, string detail) => new(rule, false, reasonCode, detail);
}
