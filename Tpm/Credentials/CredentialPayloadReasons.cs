namespace OrleansAttest.Tpm.Credentials;

/// <summary>Reason codes of <see cref="CredentialPayloadException"/>.</summary>
public static class CredentialPayloadReasons
{
    /// <summary>AES-GCM authentication failed: another key, node name or AK Name than the payload was sealed for.</summary>
    public const string Undecryptable = "credential-payload-undecryptable";
    /// <summary>Key, nonce or ciphertext has an impossible size.</summary>
    public const string EnvelopeMalformed = "credential-envelope-malformed";
    /// <summary>The decrypted bytes are not a credential bundle of a known version.</summary>
    public const string BundleMalformed = "credential-bundle-malformed";
    /// <summary>A file name breaks the naming rule ([A-Za-z0-9._-]{1,100}, no leading dot, no "..").</summary>
    public const string FileNameInvalid = "credential-file-name-invalid";
    /// <summary>Two files of one bundle have the same name.</summary>
    public const string FileDuplicate = "credential-file-duplicate";
    /// <summary>More than the allowed files or bytes.</summary>
    public const string BundleTooLarge = "credential-bundle-too-large";
    /// <summary>expiresAt is not after issuedAt.</summary>
    public const string BundleExpiryInvalid = "credential-bundle-expiry-invalid";
}
