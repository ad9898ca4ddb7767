namespace OrleansAttest.Tpm.EventLog;

/// <summary>One node of an EFI device path: type, sub-type and the node's data (after its 4-byte header).</summary>
public sealed record EfiDevicePathNode(byte Type, byte SubType, byte[] Data)
{
    public const byte HardwareType = 0x01, AcpiType = 0x02, MessagingType = 0x03, MediaType = 0x04, EndType = 0x7F;
    public const byte MediaHardDrive = 0x01, MediaFilePath = 0x04, MediaPiwgFirmwareFile = 0x06, MediaPiwgFirmwareVolume = 0x07;

    public bool IsFilePath => Type == MediaType && SubType == MediaFilePath;
}
