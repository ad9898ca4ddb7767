using System.Buffers.Binary;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>Splits a marshalled command into its areas, to compare ours with tpm2-tools' apart from the sessions.</summary>
public sealed record CommandLayout(byte[] Header, byte[] Handles, int SessionCount, byte[] Parameters)
{
    public static CommandLayout Split(byte[] command, int handleCount)
    {
        var header = command[..10];
        int at = 10;
        var handles = command[at..(at + 4 * handleCount)];
        at += 4 * handleCount;
        int sessions = 0;
        if (BinaryPrimitives.ReadUInt16BigEndian(command) == 0x8002)
        {
            int authSize = (int)BinaryPrimitives.ReadUInt32BigEndian(command.AsSpan(at));
            int end = at + 4 + authSize;
            int p = at + 4;
            while (p < end)
            {
                p += 4;
                p += 2 + BinaryPrimitives.ReadUInt16BigEndian(command.AsSpan(p));
                p += 1;
                p += 2 + BinaryPrimitives.ReadUInt16BigEndian(command.AsSpan(p));
                sessions++;
            }
            at = end;
        }
        return new CommandLayout(header, handles, sessions, command[at..]);
    }

    public uint CommandCode => BinaryPrimitives.ReadUInt32BigEndian(Header.AsSpan(6));

    /// <summary>The command code of a marshalled command, without splitting it.</summary>
    public static uint CodeOf(byte[] command) => BinaryPrimitives.ReadUInt32BigEndian(command.AsSpan(6));
}
