using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Commands;

/// <summary>
/// One TPM command being assembled (TPM 2.0 Part 1, 18.2): header (tag, commandSize, commandCode), handle area,
/// authorization area (only with tag TPM_ST_SESSIONS), parameter area. <see cref="ResponseHandles"/> says how many
/// handles the response carries before its parameters, which the response itself does not tell.
/// </summary>
public sealed class TpmCommand(TpmCommandCode code, int responseHandles = 0)
{
    private readonly List<uint> _handles = [];
    private readonly List<TpmAuthorization> _authorizations = [];

    public TpmCommandCode Code { get; } = code;

    public int ResponseHandles { get; } = responseHandles;

    public IReadOnlyList<uint> Handles => _handles;

    public IReadOnlyList<TpmAuthorization> Authorizations => _authorizations;

    /// <summary>The parameter area; write the parameters here in specification order.</summary>
    public TpmWriter Parameters { get; } = new();

    public TpmCommand Handle(uint handle)
    {
        _handles.Add(handle);
        return this;
    }

    /// <summary>Adds a session for the next handle that needs authorization, in handle order.</summary>
    public TpmCommand Authorize(TpmAuthorization authorization)
    {
        _authorizations.Add(authorization);
        return this;
    }

    public byte[] ToBytes()
    {
        var writer = new TpmWriter(64 + Parameters.Length);
        var tag = _authorizations.Count == 0 ? TpmStructureTag.NoSessions : TpmStructureTag.Sessions;
        writer.WriteUInt16((ushort)tag).WriteUInt32(0).WriteUInt32((uint)Code);
        foreach (var handle in _handles)
            writer.WriteUInt32(handle);
        if (_authorizations.Count > 0)
        {
            var auth = new TpmWriter();
            foreach (var authorization in _authorizations)
                authorization.WriteTo(auth);
            writer.WriteUInt32((uint)auth.Length).WriteBytes(auth.WrittenSpan);
        }
        writer.WriteBytes(Parameters.WrittenSpan);
        writer.PatchUInt32(2, (uint)writer.Length);
        return writer.ToArray();
    }
}
