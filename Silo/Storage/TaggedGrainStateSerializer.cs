using System.Buffers;
using System.Buffers.Text;
using System.Runtime.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansAttest.Silo.Storage;

/// <summary>
/// Grain state as the tag byte <c>o</c> followed by Orleans' binary serialization in base64 (version tolerant through
/// the states' <c>[Id]</c>s). Base64 because the Redis provider stores the payload as a UTF-8 string: raw binary would
/// not survive it. Records written as JSON by earlier versions (they begin with <c>{</c>) are still read, and are
/// rewritten in this format at the grain's next write. Why: the provider's default Newtonsoft JSON with <c>$type</c>
/// names was 6 % of the silo's CPU in a steady fleet and ~1.8 KB per node record (benchmarks/README.md "Fleet").
/// </summary>
public sealed class TaggedGrainStateSerializer(Serializer binary, IGrainStorageSerializer legacyJson) : IGrainStorageSerializer
{
    /// <summary>First byte of a record in this format: Orleans binary, base64.</summary>
    public const byte OrleansBase64Tag = (byte)'o';

    /// <summary>The serializer for a silo: Orleans' binary serializer from its services, Orleans' JSON one for old records.</summary>
    public static TaggedGrainStateSerializer Create(IServiceProvider services) =>
        new(services.GetRequiredService<Serializer>(), ActivatorUtilities.CreateInstance<JsonGrainStorageSerializer>(services));

    public BinaryData Serialize<T>(T? input)
    {
        // Serialized through Orleans' pooled buffer into one exact array: a growing buffer doubled its way up, and for a
        // directory shard (~80 KB at 50,000 nodes) left a large-object array behind on every flush.
        var raw = binary.SerializeToArray(input);
        var encoded = new byte[1 + Base64.GetMaxEncodedToUtf8Length(raw.Length)];
        encoded[0] = OrleansBase64Tag;
        Base64.EncodeToUtf8(raw, encoded.AsSpan(1), out _, out var written);
        return new BinaryData(encoded.AsMemory(0, 1 + written));
    }

    public T? Deserialize<T>(BinaryData input)
    {
        var bytes = input.ToMemory();
        if (bytes.IsEmpty)
            throw new SerializationException($"the stored {typeof(T).Name} record is empty");
        return bytes.Span[0] switch
        {
            OrleansBase64Tag => DeserializeBinary<T>(DecodeBase64(bytes.Span[1..], typeof(T))),
            (byte)'{' => DeserializeLegacyJson<T>(input),
            var tag => throw new SerializationException(
                $"the stored {typeof(T).Name} record starts with byte 0x{tag:x2}, which is neither this version's format ('o', Orleans binary in base64) nor JSON ('{{')"),
        };
    }

    private T? DeserializeLegacyJson<T>(BinaryData record)
    {
        try
        {
            return legacyJson.Deserialize<T>(record);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new SerializationException($"the stored {typeof(T).Name} record looks like JSON (an earlier version's format) but cannot be read as a {typeof(T).Name}: {e.Message}", e);
        }
    }

    private T? DeserializeBinary<T>(ReadOnlyMemory<byte> body)
    {
        try
        {
            return binary.Deserialize<T>(body);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Orleans throws several types for malformed input; one type, naming the record, for the provider's log.
            throw new SerializationException($"the stored {typeof(T).Name} record is tagged 'o' but its body is not a valid Orleans binary {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static ReadOnlyMemory<byte> DecodeBase64(ReadOnlySpan<byte> encoded, Type stateType)
    {
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (Base64.DecodeFromUtf8(encoded, decoded, out _, out var written) != OperationStatus.Done)
            throw new SerializationException($"the stored {stateType.Name} record is tagged 'o' but its body is not valid base64");
        return decoded.AsMemory(0, written);
    }
}
