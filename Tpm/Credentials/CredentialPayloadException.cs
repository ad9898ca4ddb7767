namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// A delivered credential payload cannot be used: the envelope does not open, or the bundle inside is malformed or
/// breaks a limit. <see cref="ReasonCode"/> is a stable kebab-case code (<see cref="CredentialPayloadReasons"/>); the
/// message is the sentence naming the check that failed.
/// </summary>
public sealed class CredentialPayloadException(string reasonCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public string ReasonCode { get; } = reasonCode;
}
