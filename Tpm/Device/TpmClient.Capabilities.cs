using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device;

public sealed partial class TpmClient
{
    /// <summary>A TPM that keeps answering moreData without progress would otherwise loop forever.</summary>
    private const int MaxCapabilityRounds = 64;

    public async Task<TpmCapabilityData> GetCapabilityAsync(TpmCapability capability, uint property, uint count, CancellationToken cancellationToken = default) =>
        CapabilityCommands.ParseGetCapability(await ExecuteAsync(CapabilityCommands.GetCapability(capability, property, count), cancellationToken));

    /// <summary>All handles of the type of <paramref name="first"/> (e.g. 0x80000000 transient, 0x02000000 loaded sessions), following moreData.</summary>
    public async Task<IReadOnlyList<uint>> GetHandlesAsync(uint first, CancellationToken cancellationToken = default)
    {
        var handles = new List<uint>();
        byte type = TpmHandles.TypeOf(first);
        uint next = first;
        for (int round = 0; round < MaxCapabilityRounds; round++)
        {
            var data = await GetCapabilityAsync(TpmCapability.Handles, next, 254, cancellationToken);
            var ofType = data.Handles.Where(h => TpmHandles.TypeOf(h) == type && h >= next).ToList();
            handles.AddRange(ofType);
            if (!data.MoreData || ofType.Count == 0 || ofType[^1] == uint.MaxValue)
                return handles;
            next = ofType[^1] + 1;
        }
        throw new InvalidOperationException($"TPM2_GetCapability(handles from 0x{first:x8}) still reported moreData after {MaxCapabilityRounds} rounds");
    }

    /// <summary>TPM properties from <paramref name="first"/> up to <paramref name="count"/> tags on, following moreData.</summary>
    public async Task<IReadOnlyList<TpmTaggedProperty>> GetTpmPropertiesAsync(TpmPropertyTag first, uint count, CancellationToken cancellationToken = default)
    {
        var properties = new List<TpmTaggedProperty>();
        uint end = (uint)first + count;
        uint next = (uint)first;
        for (int round = 0; round < MaxCapabilityRounds; round++)
        {
            var data = await GetCapabilityAsync(TpmCapability.TpmProperties, next, end - next, cancellationToken);
            var fresh = data.Properties.Where(p => (uint)p.Property >= next && (uint)p.Property < end).ToList();
            properties.AddRange(fresh);
            if (!data.MoreData || fresh.Count == 0 || (uint)fresh[^1].Property + 1 >= end)
                return properties;
            next = (uint)fresh[^1].Property + 1;
        }
        throw new InvalidOperationException($"TPM2_GetCapability(properties from 0x{(uint)first:x}) still reported moreData after {MaxCapabilityRounds} rounds");
    }

    /// <summary>Manufacturer, vendor strings, firmware version and the other PT_FIXED properties.</summary>
    public async Task<TpmInfo> GetTpmInfoAsync(CancellationToken cancellationToken = default)
    {
        var properties = await GetTpmPropertiesAsync(TpmPropertyTag.FamilyIndicator, 0x100, cancellationToken);
        var map = new Dictionary<TpmPropertyTag, uint>();
        foreach (var property in properties)
            map[property.Property] = property.Value;
        return new TpmInfo(map);
    }

    /// <summary>The PCR banks the TPM has allocated (TPM_CAP_PCRS), each with its PCRs; unallocated banks are left out.</summary>
    public async Task<PcrSelection> GetPcrBanksAsync(CancellationToken cancellationToken = default)
    {
        var data = await GetCapabilityAsync(TpmCapability.Pcrs, 0, 1, cancellationToken);
        return new PcrSelection(data.Pcrs.Banks.Where(b => b.Pcrs.Count > 0).ToList());
    }

    /// <summary>One TPM property's value, or null when the TPM does not report it.</summary>
    public async Task<uint?> GetTpmPropertyAsync(TpmPropertyTag property, CancellationToken cancellationToken = default)
    {
        var data = await GetCapabilityAsync(TpmCapability.TpmProperties, (uint)property, 1, cancellationToken);
        return data.Properties.Where(p => p.Property == property).Select(p => (uint?)p.Value).FirstOrDefault();
    }
}
