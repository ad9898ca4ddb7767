namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>What the approver does with a CSR: leave it alone, or approve / deny it with a reason code and a sentence.</summary>
public sealed record CsrDecision(CsrVerdict Verdict, string ReasonCode, string Message, string? NodeName)
{
    public static CsrDecision Ignore(string why) => new(CsrVerdict.Ignore, "", why, null);

    public static CsrDecision Deny(string node, string code, string sentence) => new(CsrVerdict.Deny, code, $"{code}: {sentence}", node);

    public static CsrDecision Approve(string node, string sentence) => new(CsrVerdict.Approve, CsrReasons.Approved, sentence, node);
}
