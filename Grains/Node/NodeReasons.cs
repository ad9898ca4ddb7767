namespace OrleansAttest.Grains.Node;

/// <summary>
/// Stable kebab-case reason codes of the node grain's own refusals and transitions (the quote verifier's and the
/// EK certificate validator's codes are passed through unchanged). They appear in statuses, audits and metrics.
/// </summary>
public static class NodeReasons
{
    // Admission (Hello).
    public const string NodeNotDeclared = "node-not-declared";
    public const string NodeSuspended = "node-suspended";
    public const string NodeFailed = "node-failed";
    public const string NodeRevoked = "node-revoked";
    public const string NodeDeleted = "node-deleted";
    public const string MalformedHello = "malformed-hello";
    public const string EkPublicMismatch = "ek-public-mismatch";
    public const string EkCertMismatch = "ek-cert-mismatch";
    public const string EkCertRequired = "ek-cert-required";
    public const string EkCaNotConfigured = "ek-ca-not-configured";
    public const string AkAttributes = "ak-attributes";
    public const string PolicyNotFound = "policy-not-found";
    public const string PolicyUnavailable = "policy-unavailable";
    /// <summary>The node issued new challenges faster than its hello rate allows; say hello again later.</summary>
    public const string HelloRateLimited = "hello-rate-limited";

    // Activation.
    public const string NoChallenge = "no-challenge";
    public const string ChallengeExpired = "challenge-expired";
    public const string ProofInvalid = "proof-invalid";
    public const string MalformedActivation = "malformed-activation";

    // Quote responses that answer no outstanding request: refused without a verdict.
    public const string StaleResponse = "stale-response";
    public const string UnknownRequest = "unknown-request";
    public const string NonceExpired = "nonce-expired";
    /// <summary>Answered in time (by the gateway's receipt) but relayed to the grain later than Polling:RelayGrace: the verifier's delay.</summary>
    public const string RelayTooLate = "relay-too-late";
    public const string NotPolling = "not-polling";
    /// <summary>The answer's request was issued under an older version of the node's policy.</summary>
    public const string PolicyChanged = "policy-changed";

    // Verdicts beyond the quote verifier's.
    public const string VerificationError = "verification-error";
    public const string ResetCountRollback = "reset-count-rollback";
    public const string RestartCountRollback = "restart-count-rollback";
    public const string ClockRollback = "clock-rollback";
    public const string ClockUnsafe = "clock-unsafe";
    public const string FirmwareRollback = "firmware-rollback";
    public const string PcrValueNotAllowed = "pcr-value-not-allowed";
    public const string NoPolicyEvaluator = "no-policy-evaluator";
    public const string PcrValuesMismatch = "pcr-values-mismatch";
    public const string EvidenceTooLarge = "evidence-too-large";

    // Transitions that are not verdicts.
    public const string ResponseTimeout = "response-timeout";
    public const string Unreachable = "unreachable";
    /// <summary>An operator reset: back to Pending, the agent must say hello and activate again.</summary>
    public const string Reset = "reset";
    /// <summary>A reset asked of a node that is not Failed, Unreachable or Revoked (nothing changed).</summary>
    public const string ResetNotNeeded = "reset-not-needed";
    public const string OperatorRevoke = "operator-revoke";
    public const string OperatorDelete = "operator-delete";
    public const string DeclarationChanged = "declaration-changed";
    public const string AgentDisconnected = "agent-disconnected";
}
