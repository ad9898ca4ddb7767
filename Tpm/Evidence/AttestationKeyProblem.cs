namespace OrleansAttest.Tpm.Evidence;

/// <summary>A flaw of a would-be attestation key and the sentence that explains it.</summary>
public sealed record AttestationKeyProblem(AttestationKeyFlaw Flaw, string Detail)
{
    public override string ToString() => Detail;
}
