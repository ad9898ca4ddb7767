namespace OrleansAttest.Tpm.EventLog;

/// <summary>How a string in an event was encoded: GRUB and shim write UTF-8, systemd-boot and firmware UTF-16LE.</summary>
public enum TextEncoding
{
    Utf8,
    Utf16,
}
