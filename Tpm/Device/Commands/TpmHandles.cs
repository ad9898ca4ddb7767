namespace OrleansAttest.Tpm.Device.Commands;

/// <summary>TPM_HANDLE values and ranges (TPM 2.0 Part 2, 7) and the TCG EK Credential Profile's well-known handles.</summary>
public static class TpmHandles
{
    public const uint Owner = 0x40000001;
    public const uint Null = 0x40000007;
    /// <summary>TPM_RS_PW: the password "session".</summary>
    public const uint PasswordSession = 0x40000009;
    public const uint Lockout = 0x4000000A;
    public const uint Endorsement = 0x4000000B;
    public const uint Platform = 0x4000000C;

    public const uint PcrFirst = 0x00000000;
    public const uint NvIndexFirst = 0x01000000;
    public const uint HmacSessionFirst = 0x02000000;
    public const uint PolicySessionFirst = 0x03000000;
    public const uint TransientFirst = 0x80000000;
    public const uint PersistentFirst = 0x81000000;

    /// <summary>The handle type: the most significant octet (TPM_HT).</summary>
    public static byte TypeOf(uint handle) => (byte)(handle >> 24);

    /// <summary>RSA-2048 EK (template L-1), TCG EK Credential Profile 2.3.</summary>
    public const uint EkRsaPersistent = 0x81010001;
    /// <summary>ECC NIST P-256 EK (template L-2).</summary>
    public const uint EkEccPersistent = 0x81010002;
    /// <summary>NV index of the RSA-2048 EK certificate.</summary>
    public const uint EkRsaCertificate = 0x01C00002;
    /// <summary>NV index of the ECC NIST P-256 EK certificate.</summary>
    public const uint EkEccCertificate = 0x01C0000A;
}
