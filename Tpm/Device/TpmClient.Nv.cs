using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Nv;

namespace OrleansAttest.Tpm.Device;

public sealed partial class TpmClient
{
    /// <summary>TPM2_NV_ReadPublic, or null when no such index is defined (TPM_RC_HANDLE).</summary>
    public async Task<NvPublic?> ReadNvPublicAsync(uint nvIndex, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync(NvCommands.NvReadPublic(nvIndex), cancellationToken);
        if (response.Code.BaseCode == TpmRc.Handle)
            return null;
        return NvCommands.ParseNvReadPublic(response);
    }

    /// <summary>
    /// The whole contents of an NV index, read in chunks of TPM_PT_NV_BUFFER_MAX (or <paramref name="maxChunk"/> if
    /// smaller), or null when the index is not defined. Authorized like tpm2_nvread: by the owner hierarchy when the
    /// index allows OWNERREAD (EK certificates do), else by the index itself (AUTHREAD), both with empty passwords.
    /// </summary>
    public async Task<byte[]?> ReadNvAsync(uint nvIndex, int? maxChunk = null, CancellationToken cancellationToken = default)
    {
        var nvPublic = await ReadNvPublicAsync(nvIndex, cancellationToken);
        if (nvPublic is null)
            return null;
        uint authHandle = nvPublic.Has(NvAttributes.OwnerRead) ? TpmHandles.Owner
            : nvPublic.Has(NvAttributes.AuthRead) ? nvIndex
            : nvPublic.Has(NvAttributes.PpRead) ? TpmHandles.Platform
            : throw new InvalidOperationException($"NV index 0x{nvIndex:x8} can be read only with a policy (attributes 0x{(uint)nvPublic.Attributes:x8}), which this client does not do");
        int chunk = (int)(await GetTpmPropertyAsync(TpmPropertyTag.NvBufferMax, cancellationToken) ?? 512);
        if (maxChunk is int limit)
            chunk = Math.Min(chunk, Math.Max(1, limit));
        var data = new byte[nvPublic.DataSize];
        for (int offset = 0; offset < data.Length;)
        {
            int size = Math.Min(chunk, data.Length - offset);
            var part = NvCommands.ParseNvRead(await ExecuteAsync(NvCommands.NvRead(authHandle, nvIndex, (ushort)size, (ushort)offset), cancellationToken));
            if (part.Length != size)
                throw new InvalidOperationException($"NV_Read of 0x{nvIndex:x8} at offset {offset} returned {part.Length} bytes, not the {size} asked for");
            part.CopyTo(data, offset);
            offset += size;
        }
        return data;
    }

    /// <summary>The EK certificate (DER) from NV 0x01c00002 (RSA) or 0x01c0000a (ECC), or null when the TPM has none.</summary>
    public Task<byte[]?> ReadEkCertificateAsync(TpmKeyAlgorithm algorithm = TpmKeyAlgorithm.Rsa, CancellationToken cancellationToken = default) =>
        ReadNvAsync(algorithm == TpmKeyAlgorithm.Rsa ? TpmHandles.EkRsaCertificate : TpmHandles.EkEccCertificate, cancellationToken: cancellationToken);
}
