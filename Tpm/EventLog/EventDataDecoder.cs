using System.Buffers.Binary;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Turns event data into an <see cref="EventDetail"/> by event type. Never throws: data that does not decode
/// leaves the detail null and returns a note, because one odd event must not make a whole log unusable.
/// </summary>
public static class EventDataDecoder
{
    /// <summary>Prefix of notes for exceptions other than <see cref="TpmParseException"/> — a decoder bug, which tests look for.</summary>
    public const string InternalErrorPrefix = "internal decoder error: ";

    public static (EventDetail? Detail, string? Note) Decode(int pcrIndex, EventType type, ReadOnlySpan<byte> data, int uintnSize = 8, long dataOffset = 0)
    {
        try
        {
            return DecodeOrThrow(pcrIndex, type, data, uintnSize, dataOffset);
        }
        catch (TpmParseException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (null, $"{InternalErrorPrefix}{e.GetType().Name}: {e.Message}");
        }
    }

    private static (EventDetail?, string?) DecodeOrThrow(int pcrIndex, EventType type, ReadOnlySpan<byte> data, int uintnSize, long offset)
    {
        switch (type)
        {
            case EventType.NoAction:
                if (SpecIdEvent.HasSignature(data))
                    return (SpecIdEvent.Parse(data, offset), null);
                if (StartupLocalityEvent.HasSignature(data))
                    return (StartupLocalityEvent.Parse(data, offset), null);
                return (NoActionEvent.TryDecode(data), null);

            case EventType.Separator:
                if (data.Length != 4)
                    throw new TpmParseException("EV_SEPARATOR", $"event data is {data.Length} bytes, expected a 4-byte value", (int)Math.Min(int.MaxValue, offset));
                return (new SeparatorEvent(BinaryPrimitives.ReadUInt32LittleEndian(data)), null);

            case EventType.Action or EventType.EfiAction or EventType.SCrtmVersion or EventType.EfiHcrtmEvent or EventType.OmitBootDeviceEvents:
                return (StringEvent.Decode(data), null);

            case EventType.PostCode or EventType.SCrtmContents:
                // The same event type carries either a firmware blob (base, length) or a string such as "ACPI DATA".
                return data.Length == 16 ? (UefiFirmwareBlob.Parse(data, offset), null)
                    : type == EventType.PostCode ? (StringEvent.Decode(data), null)
                    : (null, null);

            case EventType.EfiPlatformFirmwareBlob:
                return (UefiFirmwareBlob.Parse(data, offset), null);

            case EventType.EfiPlatformFirmwareBlob2:
                return (UefiFirmwareBlob.Parse2(data, offset), null);

            case EventType.Ipl:
                return (IplEvent.Decode(pcrIndex, data), null);

            case EventType.EventTag:
                return (EventTagData.Parse(data, offset), null);

            case EventType.EfiVariableDriverConfig or EventType.EfiVariableBoot or EventType.EfiVariableBoot2 or EventType.EfiVariableAuthority:
                return (UefiVariableData.Parse(data, offset), null);

            case EventType.EfiBootServicesApplication or EventType.EfiBootServicesDriver or EventType.EfiRuntimeServicesDriver:
                var (image, note) = UefiImageLoadEvent.Parse(data, uintnSize, offset);
                return (image, note);

            case EventType.EfiGptEvent:
                return (GptEvent.Parse(data, offset), null);

            default:
                return (null, null);
        }
    }
}
