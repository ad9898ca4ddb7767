namespace OrleansAttest.Tpm.Device.Errors;

/// <summary>Names and one-line meanings of TPM_RC values (TPM 2.0 Part 2, Table 16), by error number within each format.</summary>
internal static class TpmResponseCodeTable
{
    /// <summary>Format-one codes: RC_FMT1 + number (bits 0..5).</summary>
    public static readonly IReadOnlyDictionary<uint, (string Name, string Text)> FormatOne = new Dictionary<uint, (string, string)>
    {
        [0x01] = ("TPM_RC_ASYMMETRIC", "asymmetric algorithm not supported or not correct"),
        [0x02] = ("TPM_RC_ATTRIBUTES", "inconsistent attributes"),
        [0x03] = ("TPM_RC_HASH", "hash algorithm not supported or not appropriate"),
        [0x04] = ("TPM_RC_VALUE", "value is out of range or is not correct for the context"),
        [0x05] = ("TPM_RC_HIERARCHY", "hierarchy is not enabled or is not correct for the use"),
        [0x07] = ("TPM_RC_KEY_SIZE", "key size is not supported"),
        [0x08] = ("TPM_RC_MGF", "mask generation function not supported"),
        [0x09] = ("TPM_RC_MODE", "mode of operation not supported"),
        [0x0A] = ("TPM_RC_TYPE", "the type of the value is not appropriate for the use"),
        [0x0B] = ("TPM_RC_HANDLE", "the handle is not correct for the use"),
        [0x0C] = ("TPM_RC_KDF", "unsupported key derivation function or function not appropriate for use"),
        [0x0D] = ("TPM_RC_RANGE", "value was out of allowed range"),
        [0x0E] = ("TPM_RC_AUTH_FAIL", "the authorization HMAC check failed and DA counter incremented"),
        [0x0F] = ("TPM_RC_NONCE", "invalid nonce size or nonce value mismatch"),
        [0x10] = ("TPM_RC_PP", "authorization requires assertion of physical presence"),
        [0x12] = ("TPM_RC_SCHEME", "unsupported or incompatible scheme"),
        [0x15] = ("TPM_RC_SIZE", "structure is the wrong size"),
        [0x16] = ("TPM_RC_SYMMETRIC", "unsupported symmetric algorithm or key size, or not appropriate for instance"),
        [0x17] = ("TPM_RC_TAG", "incorrect structure tag"),
        [0x18] = ("TPM_RC_SELECTOR", "union selector is incorrect"),
        [0x1A] = ("TPM_RC_INSUFFICIENT", "the TPM was unable to unmarshal a value because there were not enough octets in the input buffer"),
        [0x1B] = ("TPM_RC_SIGNATURE", "the signature is not valid"),
        [0x1C] = ("TPM_RC_KEY", "key fields are not compatible with the selected use"),
        [0x1D] = ("TPM_RC_POLICY_FAIL", "a policy check failed"),
        [0x1F] = ("TPM_RC_INTEGRITY", "integrity check failed"),
        [0x20] = ("TPM_RC_TICKET", "invalid ticket"),
        [0x21] = ("TPM_RC_RESERVED_BITS", "reserved bits not set to zero as required"),
        [0x22] = ("TPM_RC_BAD_AUTH", "authorization failure without DA implications"),
        [0x23] = ("TPM_RC_EXPIRED", "the policy has expired"),
        [0x24] = ("TPM_RC_POLICY_CC", "the commandCode in the policy is not the commandCode of the command or the command code in a policy command references a command that is not implemented"),
        [0x25] = ("TPM_RC_BINDING", "public and sensitive portions of an object are not cryptographically bound"),
        [0x26] = ("TPM_RC_CURVE", "curve not supported"),
        [0x27] = ("TPM_RC_ECC_POINT", "point is not on the required curve"),
    };

    /// <summary>Format-zero errors: RC_VER1 + number (bits 0..6).</summary>
    public static readonly IReadOnlyDictionary<uint, (string Name, string Text)> FormatZeroErrors = new Dictionary<uint, (string, string)>
    {
        [0x00] = ("TPM_RC_INITIALIZE", "TPM not initialized by TPM2_Startup or already initialized"),
        [0x01] = ("TPM_RC_FAILURE", "commands not being accepted because of a TPM failure"),
        [0x03] = ("TPM_RC_SEQUENCE", "improper use of a sequence handle"),
        [0x0B] = ("TPM_RC_PRIVATE", "not currently used"),
        [0x19] = ("TPM_RC_HMAC", "not currently used"),
        [0x20] = ("TPM_RC_DISABLED", "the command is disabled"),
        [0x21] = ("TPM_RC_EXCLUSIVE", "command failed because audit sequence required exclusivity"),
        [0x24] = ("TPM_RC_AUTH_TYPE", "authorization handle is not correct for command"),
        [0x25] = ("TPM_RC_AUTH_MISSING", "command requires an authorization session for handle and it is not present"),
        [0x26] = ("TPM_RC_POLICY", "policy failure in math operation or an invalid authPolicy value"),
        [0x27] = ("TPM_RC_PCR", "PCR check fail"),
        [0x28] = ("TPM_RC_PCR_CHANGED", "PCR have changed since checked"),
        [0x2D] = ("TPM_RC_UPGRADE", "the TPM is in field upgrade mode"),
        [0x2E] = ("TPM_RC_TOO_MANY_CONTEXTS", "context ID counter is at maximum"),
        [0x2F] = ("TPM_RC_AUTH_UNAVAILABLE", "authValue or authPolicy is not available for selected entity"),
        [0x30] = ("TPM_RC_REBOOT", "a _TPM_Init and Startup(CLEAR) is required before the TPM can resume operation"),
        [0x31] = ("TPM_RC_UNBALANCED", "the protection algorithms (hash and symmetric) are not reasonably balanced"),
        [0x42] = ("TPM_RC_COMMAND_SIZE", "command commandSize value is inconsistent with contents of the command buffer"),
        [0x43] = ("TPM_RC_COMMAND_CODE", "command code not supported"),
        [0x44] = ("TPM_RC_AUTHSIZE", "the value of authorizationSize is out of range or the number of octets in the authorization area is greater than required"),
        [0x45] = ("TPM_RC_AUTH_CONTEXT", "use of an authorization session with a context command or another command that cannot have an authorization session"),
        [0x46] = ("TPM_RC_NV_RANGE", "NV offset+size is out of range"),
        [0x47] = ("TPM_RC_NV_SIZE", "requested allocation size is larger than allowed"),
        [0x48] = ("TPM_RC_NV_LOCKED", "NV access locked"),
        [0x49] = ("TPM_RC_NV_AUTHORIZATION", "NV access authorization fails in command actions"),
        [0x4A] = ("TPM_RC_NV_UNINITIALIZED", "an NV Index is used before being initialized or the state saved by TPM2_Shutdown(STATE) could not be restored"),
        [0x4B] = ("TPM_RC_NV_SPACE", "insufficient space for NV allocation"),
        [0x4C] = ("TPM_RC_NV_DEFINED", "NV Index or persistent object already defined"),
        [0x50] = ("TPM_RC_BAD_CONTEXT", "context in TPM2_ContextLoad() is not valid"),
        [0x51] = ("TPM_RC_CPHASH", "cpHash value already set or not correct for use"),
        [0x52] = ("TPM_RC_PARENT", "handle for parent is not a valid parent"),
        [0x53] = ("TPM_RC_NEEDS_TEST", "some function needs testing"),
        [0x54] = ("TPM_RC_NO_RESULT", "returned when an internal function cannot process a request due to an unspecified problem"),
        [0x55] = ("TPM_RC_SENSITIVE", "the sensitive area did not unmarshal correctly after decryption"),
    };

    /// <summary>Format-zero warnings: RC_WARN + number (bits 0..6).</summary>
    public static readonly IReadOnlyDictionary<uint, (string Name, string Text)> Warnings = BuildWarnings();

    private static Dictionary<uint, (string, string)> BuildWarnings()
    {
        var table = new Dictionary<uint, (string, string)>
        {
            [0x01] = ("TPM_RC_CONTEXT_GAP", "gap for context ID is too large"),
            [0x02] = ("TPM_RC_OBJECT_MEMORY", "out of memory for object contexts"),
            [0x03] = ("TPM_RC_SESSION_MEMORY", "out of memory for session contexts"),
            [0x04] = ("TPM_RC_MEMORY", "out of shared object/session memory or need space for internal operations"),
            [0x05] = ("TPM_RC_SESSION_HANDLES", "out of session handles; a session must be flushed before a new session may be created"),
            [0x06] = ("TPM_RC_OBJECT_HANDLES", "out of object handles; a reboot or an object flush is required"),
            [0x07] = ("TPM_RC_LOCALITY", "bad locality"),
            [0x08] = ("TPM_RC_YIELDED", "the TPM has suspended operation on the command; forward progress was made and the command may be retried"),
            [0x09] = ("TPM_RC_CANCELED", "the command was canceled"),
            [0x0A] = ("TPM_RC_TESTING", "TPM is performing self-tests"),
            [0x20] = ("TPM_RC_NV_RATE", "the TPM is rate-limiting accesses to prevent wearout of NV"),
            [0x21] = ("TPM_RC_LOCKOUT", "authorizations for objects subject to DA protection are not allowed at this time because the TPM is in DA lockout mode"),
            [0x22] = ("TPM_RC_RETRY", "the TPM was not able to start the command"),
            [0x23] = ("TPM_RC_NV_UNAVAILABLE", "the command may require writing of NV and NV is not current accessible"),
            [0x7F] = ("TPM_RC_NOT_USED", "this value is reserved and shall not be returned by the TPM"),
        };
        for (uint i = 0; i < 7; i++)
        {
            table[0x10 + i] = ($"TPM_RC_REFERENCE_H{i}", $"handle {i + 1} of the handle area references a transient object or session that is not loaded");
            table[0x18 + i] = ($"TPM_RC_REFERENCE_S{i}", $"authorization session {i + 1} references a session that is not loaded");
        }
        return table;
    }
}
