namespace OrleansAttest.Tpm.Device.Commands;

/// <summary>TPM_CC (TPM 2.0 Part 2, 6.5.2): the commands this client sends or that appear in captured traffic.</summary>
public enum TpmCommandCode : uint
{
    EvictControl = 0x0120,
    CreatePrimary = 0x0131,
    SelfTest = 0x0143,
    Startup = 0x0144,
    Shutdown = 0x0145,
    ActivateCredential = 0x0147,
    Certify = 0x0148,
    NvRead = 0x014E,
    PolicySecret = 0x0151,
    Create = 0x0153,
    Load = 0x0157,
    Quote = 0x0158,
    Sign = 0x015D,
    ContextLoad = 0x0161,
    ContextSave = 0x0162,
    FlushContext = 0x0165,
    MakeCredential = 0x0168,
    NvReadPublic = 0x0169,
    ReadPublic = 0x0173,
    StartAuthSession = 0x0176,
    GetCapability = 0x017A,
    GetRandom = 0x017B,
    GetTestResult = 0x017C,
    PcrRead = 0x017E,
    PcrExtend = 0x0182,
    PolicyGetDigest = 0x0189,
}
