namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Event types of the TCG PC Client Platform Firmware Profile (section 10.4.1). The value in a log is untrusted:
/// a policy must never let the type alone decide whether an event matters. Unknown values are kept as they are.
/// </summary>
public enum EventType : uint
{
    PrebootCert = 0x00000000,
    PostCode = 0x00000001,
    Unused = 0x00000002,
    NoAction = 0x00000003,
    Separator = 0x00000004,
    Action = 0x00000005,
    EventTag = 0x00000006,
    SCrtmContents = 0x00000007,
    SCrtmVersion = 0x00000008,
    CpuMicrocode = 0x00000009,
    PlatformConfigFlags = 0x0000000A,
    TableOfDevices = 0x0000000B,
    CompactHash = 0x0000000C,
    Ipl = 0x0000000D,
    IplPartitionData = 0x0000000E,
    NonhostCode = 0x0000000F,
    NonhostConfig = 0x00000010,
    NonhostInfo = 0x00000011,
    OmitBootDeviceEvents = 0x00000012,
    EfiEventBase = 0x80000000,
    EfiVariableDriverConfig = 0x80000001,
    EfiVariableBoot = 0x80000002,
    EfiBootServicesApplication = 0x80000003,
    EfiBootServicesDriver = 0x80000004,
    EfiRuntimeServicesDriver = 0x80000005,
    EfiGptEvent = 0x80000006,
    EfiAction = 0x80000007,
    EfiPlatformFirmwareBlob = 0x80000008,
    EfiHandoffTables = 0x80000009,
    EfiPlatformFirmwareBlob2 = 0x8000000A,
    EfiHandoffTables2 = 0x8000000B,
    EfiVariableBoot2 = 0x8000000C,
    EfiHcrtmEvent = 0x80000010,
    EfiVariableAuthority = 0x800000E0,
    EfiSpdmFirmwareBlob = 0x800000E1,
    EfiSpdmFirmwareConfig = 0x800000E2,
}
