namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>The two key families the product uses for EKs and AKs: RSA-2048 and ECC NIST P-256.</summary>
public enum TpmKeyAlgorithm
{
    Rsa,
    Ecc,
}
