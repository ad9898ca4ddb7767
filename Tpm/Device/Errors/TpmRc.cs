namespace OrleansAttest.Tpm.Device.Errors;

/// <summary>
/// TPM_RC base values (TPM 2.0 Part 2, 6.6) that callers test for. Format-one codes are listed without their
/// handle/session/parameter number; compare them with <see cref="TpmResponseCode.BaseCode"/>.
/// </summary>
public static class TpmRc
{
    public const uint Success = 0x000;

    // Format zero (RC_VER1 = 0x100).
    public const uint Initialize = 0x100;
    public const uint Failure = 0x101;
    public const uint Sequence = 0x103;
    public const uint Private = 0x10B;
    public const uint Hmac = 0x119;
    public const uint Disabled = 0x120;
    public const uint AuthMissing = 0x125;
    public const uint Policy = 0x126;
    public const uint Pcr = 0x127;
    public const uint PcrChanged = 0x128;
    public const uint CommandSize = 0x142;
    public const uint CommandCode = 0x143;
    public const uint NvRange = 0x146;
    public const uint NvLocked = 0x148;
    public const uint NvAuthorization = 0x149;
    public const uint NvUninitialized = 0x14A;
    public const uint NvDefined = 0x14C;
    public const uint BadContext = 0x150;

    // Format one (RC_FMT1 = 0x080).
    public const uint Asymmetric = 0x081;
    public const uint Attributes = 0x082;
    public const uint Hash = 0x083;
    public const uint Value = 0x084;
    public const uint Hierarchy = 0x085;
    public const uint KeySize = 0x087;
    public const uint Type = 0x08A;
    public const uint Handle = 0x08B;
    public const uint Range = 0x08D;
    public const uint AuthFail = 0x08E;
    public const uint Scheme = 0x092;
    public const uint Size = 0x095;
    public const uint Symmetric = 0x096;
    public const uint Selector = 0x098;
    public const uint Signature = 0x09B;
    public const uint PolicyFail = 0x09D;
    public const uint Integrity = 0x09F;
    public const uint BadAuth = 0x0A2;

    // Warnings (RC_WARN = 0x900).
    public const uint ContextGap = 0x901;
    public const uint ObjectMemory = 0x902;
    public const uint SessionMemory = 0x903;
    public const uint Memory = 0x904;
    public const uint SessionHandles = 0x905;
    public const uint ObjectHandles = 0x906;
    public const uint Yielded = 0x908;
    public const uint Canceled = 0x909;
    public const uint Testing = 0x90A;
    /// <summary>TPM_RC_REFERENCE_H0: the first handle refers to an object or session that is not loaded.</summary>
    public const uint ReferenceH0 = 0x910;
    public const uint NvRate = 0x920;
    public const uint Lockout = 0x921;
    public const uint Retry = 0x922;
    public const uint NvUnavailable = 0x923;
}
