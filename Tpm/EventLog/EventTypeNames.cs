namespace OrleansAttest.Tpm.EventLog;

/// <summary>The specification's names for event types (EV_EFI_VARIABLE_DRIVER_CONFIG, ...), as tpm2_eventlog prints them.</summary>
public static class EventTypeNames
{
    private static readonly Dictionary<EventType, string> Names = new()
    {
        [EventType.PrebootCert] = "EV_PREBOOT_CERT",
        [EventType.PostCode] = "EV_POST_CODE",
        [EventType.Unused] = "EV_UNUSED",
        [EventType.NoAction] = "EV_NO_ACTION",
        [EventType.Separator] = "EV_SEPARATOR",
        [EventType.Action] = "EV_ACTION",
        [EventType.EventTag] = "EV_EVENT_TAG",
        [EventType.SCrtmContents] = "EV_S_CRTM_CONTENTS",
        [EventType.SCrtmVersion] = "EV_S_CRTM_VERSION",
        [EventType.CpuMicrocode] = "EV_CPU_MICROCODE",
        [EventType.PlatformConfigFlags] = "EV_PLATFORM_CONFIG_FLAGS",
        [EventType.TableOfDevices] = "EV_TABLE_OF_DEVICES",
        [EventType.CompactHash] = "EV_COMPACT_HASH",
        [EventType.Ipl] = "EV_IPL",
        [EventType.IplPartitionData] = "EV_IPL_PARTITION_DATA",
        [EventType.NonhostCode] = "EV_NONHOST_CODE",
        [EventType.NonhostConfig] = "EV_NONHOST_CONFIG",
        [EventType.NonhostInfo] = "EV_NONHOST_INFO",
        [EventType.OmitBootDeviceEvents] = "EV_OMIT_BOOT_DEVICE_EVENTS",
        [EventType.EfiEventBase] = "EV_EFI_EVENT_BASE",
        [EventType.EfiVariableDriverConfig] = "EV_EFI_VARIABLE_DRIVER_CONFIG",
        [EventType.EfiVariableBoot] = "EV_EFI_VARIABLE_BOOT",
        [EventType.EfiBootServicesApplication] = "EV_EFI_BOOT_SERVICES_APPLICATION",
        [EventType.EfiBootServicesDriver] = "EV_EFI_BOOT_SERVICES_DRIVER",
        [EventType.EfiRuntimeServicesDriver] = "EV_EFI_RUNTIME_SERVICES_DRIVER",
        [EventType.EfiGptEvent] = "EV_EFI_GPT_EVENT",
        [EventType.EfiAction] = "EV_EFI_ACTION",
        [EventType.EfiPlatformFirmwareBlob] = "EV_EFI_PLATFORM_FIRMWARE_BLOB",
        [EventType.EfiHandoffTables] = "EV_EFI_HANDOFF_TABLES",
        [EventType.EfiPlatformFirmwareBlob2] = "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
        [EventType.EfiHandoffTables2] = "EV_EFI_HANDOFF_TABLES2",
        [EventType.EfiVariableBoot2] = "EV_EFI_VARIABLE_BOOT2",
        [EventType.EfiHcrtmEvent] = "EV_EFI_HCRTM_EVENT",
        [EventType.EfiVariableAuthority] = "EV_EFI_VARIABLE_AUTHORITY",
        [EventType.EfiSpdmFirmwareBlob] = "EV_EFI_SPDM_FIRMWARE_BLOB",
        [EventType.EfiSpdmFirmwareConfig] = "EV_EFI_SPDM_FIRMWARE_CONFIG",
    };

    private static readonly Dictionary<string, EventType> ByName =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>"EV_SEPARATOR" etc.; values the specification does not name as "EV_UNKNOWN_0x0000abcd".</summary>
    public static string ToTcgName(this EventType type) =>
        Names.TryGetValue(type, out var name) ? name : $"EV_UNKNOWN_0x{(uint)type:x8}";

    /// <summary>Parses a specification name ("EV_IPL") or a number ("0x0000000d"), for policies written by hand.</summary>
    public static bool TryParse(string text, out EventType type)
    {
        var trimmed = text.Trim();
        if (ByName.TryGetValue(trimmed, out type))
            return true;
        var hex = trimmed.StartsWith("EV_UNKNOWN_", StringComparison.OrdinalIgnoreCase) ? trimmed["EV_UNKNOWN_".Length..] : trimmed;
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(hex[2..], System.Globalization.NumberStyles.HexNumber, null, out var value))
        {
            type = (EventType)value;
            return true;
        }
        type = default;
        return false;
    }

    /// <summary>True for the types defined by the UEFI part of the specification (0x80000000 and up).</summary>
    public static bool IsEfi(this EventType type) => ((uint)type & 0x80000000) != 0;
}
