namespace OrleansAttest.Grains.Credentials;

/// <summary>Reason codes of credential delivery (grain refusals, audits and metrics).</summary>
public static class CredentialReasons
{
    /// <summary>The issuer could not make the node's credentials; the node stays Attested and is retried at the next pass.</summary>
    public const string IssueFailed = "credential-issue-failed";
    /// <summary>An ack names another generation than the one outstanding (late, duplicate from an old delivery, or forged).</summary>
    public const string GenerationMismatch = "credential-generation-mismatch";
    /// <summary>The agent could not store the delivery (its error is audited); a fresh generation follows at the next pass.</summary>
    public const string NotStored = "credentials-not-stored";
    /// <summary>An ack arrived while the node is not Attested or Enrolled.</summary>
    public const string NotExpected = "credentials-not-expected";
    /// <summary>The ack carries nothing.</summary>
    public const string MalformedAck = "malformed-credential-ack";
}
