using System.Security.Cryptography;
using System.Text;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The payload half of a TPM-bound credential delivery (DESIGN.md step 7): AES-256-GCM under a fresh 32-byte key K
/// that travels separately, wrapped by MakeCredential(EK, AK Name, K). The associated data binds the ciphertext to
/// one node and one AK: UTF-8 node name ‖ 0x00 ‖ AK Name, so a payload replayed to another node or AK does not open.
/// </summary>
public static class CredentialEnvelope
{
    public const int KeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;

    /// <summary>Largest ciphertext (+ tag) accepted: the largest bundle and its tag.</summary>
    public const int MaxSealedBytes = CredentialBundle.MaxEncodedBytes + TagBytes;

    public const string UndecryptableMessage = "credential payload does not decrypt under the activated key (wrong TPM, node or AK)";

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/> with a fresh random nonce; returns the nonce and ciphertext ‖ tag.</summary>
    public static (byte[] Nonce, byte[] Sealed) Seal(ReadOnlySpan<byte> key, string nodeName, ReadOnlySpan<byte> akName, ReadOnlySpan<byte> plaintext)
    {
        CheckKey(key);
        if (plaintext.Length > CredentialBundle.MaxEncodedBytes)
            throw new CredentialPayloadException(CredentialPayloadReasons.BundleTooLarge,
                $"the credential payload has {plaintext.Length} bytes; at most {CredentialBundle.MaxEncodedBytes} are sealed");
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var output = new byte[plaintext.Length + TagBytes];
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), AssociatedData(nodeName, akName));
        return (nonce, output);
    }

    /// <summary>Decrypts and authenticates <paramref name="sealedPayload"/> (ciphertext ‖ 16-byte tag).</summary>
    /// <exception cref="CredentialPayloadException"><see cref="CredentialPayloadReasons.Undecryptable"/> when the tag does not
    /// verify; <see cref="CredentialPayloadReasons.EnvelopeMalformed"/> for impossible sizes.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, string nodeName, ReadOnlySpan<byte> akName, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedPayload)
    {
        CheckKey(key);
        if (nonce.Length != NonceBytes)
            throw new CredentialPayloadException(CredentialPayloadReasons.EnvelopeMalformed, $"the credential nonce has {nonce.Length} bytes, not {NonceBytes}");
        if (sealedPayload.Length < TagBytes || sealedPayload.Length > MaxSealedBytes)
            throw new CredentialPayloadException(CredentialPayloadReasons.EnvelopeMalformed,
                $"the sealed credential payload has {sealedPayload.Length} bytes; it must hold a {TagBytes}-byte tag and at most {CredentialBundle.MaxEncodedBytes} bytes of ciphertext");
        var plain = new byte[sealedPayload.Length - TagBytes];
        using var gcm = new AesGcm(key, TagBytes);
        try
        {
            gcm.Decrypt(nonce, sealedPayload[..plain.Length], sealedPayload[plain.Length..], plain, AssociatedData(nodeName, akName));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CredentialPayloadException(CredentialPayloadReasons.Undecryptable, UndecryptableMessage, e);
        }
        return plain;
    }

    /// <summary>UTF-8 node name ‖ 0x00 ‖ AK Name (the separator keeps "a"+"bc" apart from "ab"+"c").</summary>
    public static byte[] AssociatedData(string nodeName, ReadOnlySpan<byte> akName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var name = Encoding.UTF8.GetBytes(nodeName);
        var ad = new byte[name.Length + 1 + akName.Length];
        name.CopyTo(ad, 0);
        akName.CopyTo(ad.AsSpan(name.Length + 1));
        return ad;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyBytes)
            throw new CredentialPayloadException(CredentialPayloadReasons.EnvelopeMalformed, $"the credential key has {key.Length} bytes, not {KeyBytes}");
    }
}
