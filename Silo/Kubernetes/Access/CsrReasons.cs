namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Reason codes of kubelet CSR decisions (the first word of the condition's message), in the order the checks run.</summary>
public static class CsrReasons
{
    /// <summary>Condition reason of an approval.</summary>
    public const string ApprovedConditionReason = "OrleansAttestApproved";
    /// <summary>Condition reason of a denial; the message starts with the reason code.</summary>
    public const string DeniedConditionReason = "OrleansAttestDenied";

    public const string Approved = "approved";
    /// <summary>spec.username is not the bootstrap token user of a live token OrleansAttest issued to the node the CSR names.</summary>
    public const string RequesterNotNodeToken = "requester-not-node-token";
    /// <summary>spec.request is not one PEM CERTIFICATE REQUEST that parses.</summary>
    public const string RequestMalformed = "request-malformed";
    /// <summary>The PKCS#10 self-signature does not verify (the requester does not hold the key).</summary>
    public const string SignatureInvalid = "signature-invalid";
    /// <summary>The subject CN is not system:node:&lt;the token's node&gt;.</summary>
    public const string CnMismatch = "cn-mismatch";
    /// <summary>The subject O is not exactly system:nodes.</summary>
    public const string OrganizationMismatch = "organization-mismatch";
    /// <summary>The subject has attributes other than one CN and one O.</summary>
    public const string SubjectMismatch = "subject-mismatch";
    /// <summary>The request asks for subject alternative names (a kubelet client certificate has none).</summary>
    public const string SanNotAllowed = "san-not-allowed";
    /// <summary>spec.usages are not client auth plus at most digital signature / key encipherment.</summary>
    public const string UsagesMismatch = "usages-mismatch";
    /// <summary>The node is not Attested or Enrolled right now.</summary>
    public const string NodeNotAttested = "node-not-attested";
    /// <summary>A pending CSR of a node whose credentials were revoked (failure, revocation, deletion).</summary>
    public const string CredentialsRevoked = "credentials-revoked";
}
