using System.Text;
using Google.Protobuf;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The fields of one protobuf message, read with Google.Protobuf's wire decoder. Every read checks the field's wire
/// type first, strings must be strict UTF-8, and any fault becomes a 400 naming the message and the field number.
/// </summary>
public sealed class KubeProtobufReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly CodedInputStream input;
    private readonly string message;
    private int field;
    private WireFormat.WireType wireType;

    private KubeProtobufReader(CodedInputStream input, string message) => (this.input, this.message) = (input, message);

    /// <summary>Calls <paramref name="onField"/> once per field in wire order; it must read or <see cref="Skip"/> the value.</summary>
    public static void Read(byte[] bytes, string message, Action<int, KubeProtobufReader> onField)
    {
        var reader = new KubeProtobufReader(new CodedInputStream(bytes), message);
        try
        {
            uint tag;
            while ((tag = reader.input.ReadTag()) != 0)
            {
                reader.field = WireFormat.GetTagFieldNumber(tag);
                reader.wireType = WireFormat.GetTagWireType(tag);
                onField(reader.field, reader);
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw reader.Malformed(e.Message);
        }
    }

    public string Text()
    {
        var bytes = Bytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("the string is not valid UTF-8");
        }
    }

    /// <summary>A length-delimited value: raw bytes or an embedded message.</summary>
    public byte[] Bytes()
    {
        Expect(WireFormat.WireType.LengthDelimited);
        return input.ReadBytes().ToByteArray();
    }

    public long Int64()
    {
        Expect(WireFormat.WireType.Varint);
        return input.ReadInt64();
    }

    public bool Bool()
    {
        Expect(WireFormat.WireType.Varint);
        return input.ReadBool();
    }

    /// <summary>One entry of a <c>map&lt;string, V&gt;</c>: field 1 the key, field 2 the value (absent means empty).</summary>
    public (string Key, T Value) Entry<T>(Func<KubeProtobufReader, T> value, T empty)
    {
        string key = "";
        T result = empty;
        Read(Bytes(), $"{message} field {field} entry", (entryField, entry) =>
        {
            switch (entryField)
            {
                case 1: key = entry.Text(); break;
                case 2: result = value(entry); break;
                default: entry.Skip(); break;
            }
        });
        return (key, result);
    }

    /// <summary>An unknown field: skipped, as a Go decoder drops fields its struct does not have.</summary>
    public void Skip() => input.SkipLastField();

    private void Expect(WireFormat.WireType expected)
    {
        if (wireType != expected)
            throw Malformed($"wire type {wireType}, expected {expected}");
    }

    private KubeApiException Malformed(string problem) =>
        KubeApiException.BadRequest($"the protobuf request body is malformed: {message}{(field > 0 ? $" field {field}" : "")}: {problem}");
}
