namespace OrleansAttest.Gateway.Agents;

/// <summary>Versions of the agent protocol (Hello.protocol_version) this gateway speaks.</summary>
public static class ProtocolVersions
{
    public const uint Current = 1;

    public static bool IsSupported(uint version) => version == Current;
}
