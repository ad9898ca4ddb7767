using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// Any TPMU_ATTEST member we do not interpret (creation, time, NV, audit, or an unknown type): kept as raw bytes.
/// Known types are still walked field by field so that garbage is refused rather than carried along.
/// </summary>
public sealed record TpmsOpaqueAttestInfo(byte[] Raw) : TpmsAttestInfo
{
    /// <summary>Largest NV buffer we accept in an NV certify (MAX_NV_BUFFER_SIZE is 1024 on common TPMs).</summary>
    public const int MaxNvBufferBytes = 2048;

    public static TpmsOpaqueAttestInfo Read(ref TpmReader reader, TpmStructureTag type)
    {
        int start = reader.Position;
        switch (type)
        {
            case TpmStructureTag.AttestCreation:
                reader.ReadSized("creation.objectName", TpmsAttest.MaxNameBytes);
                reader.ReadSized("creation.creationHash", TpmsAttest.MaxDigestBytes);
                break;
            case TpmStructureTag.AttestCommandAudit:
                reader.ReadUInt64("commandAudit.auditCounter");
                TpmHash.ReadHashAlg(ref reader, "commandAudit.digestAlg");
                reader.ReadSized("commandAudit.auditDigest", TpmsAttest.MaxDigestBytes);
                reader.ReadSized("commandAudit.commandDigest", TpmsAttest.MaxDigestBytes);
                break;
            case TpmStructureTag.AttestSessionAudit:
                int at = reader.Position;
                if (reader.ReadByte("sessionAudit.exclusiveSession") > 1)
                    throw new TpmParseException(reader.Structure, "sessionAudit.exclusiveSession is neither YES nor NO", at);
                reader.ReadSized("sessionAudit.sessionDigest", TpmsAttest.MaxDigestBytes);
                break;
            case TpmStructureTag.AttestTime:
                reader.ReadUInt64("time.time.time");
                TpmsClockInfo.Read(ref reader);
                reader.ReadUInt64("time.firmwareVersion");
                break;
            case TpmStructureTag.AttestNv:
                reader.ReadSized("nv.indexName", TpmsAttest.MaxNameBytes);
                reader.ReadUInt16("nv.offset");
                reader.ReadSized("nv.nvContents", MaxNvBufferBytes);
                break;
            case TpmStructureTag.AttestNvDigest:
                reader.ReadSized("nvDigest.indexName", TpmsAttest.MaxNameBytes);
                reader.ReadSized("nvDigest.nvDigest", TpmsAttest.MaxDigestBytes);
                break;
            default:
                // Unknown type: no layout to check; the verifier refuses it by type.
                reader.ReadRest();
                break;
        }
        return new TpmsOpaqueAttestInfo(reader.ConsumedSince(start).ToArray());
    }

    public override void WriteTo(TpmWriter writer) => writer.WriteBytes(Raw);
}
