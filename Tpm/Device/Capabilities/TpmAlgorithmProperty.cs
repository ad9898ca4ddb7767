using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>TPMS_ALG_PROPERTY: an implemented algorithm and its TPMA_ALGORITHM bits.</summary>
public readonly record struct TpmAlgorithmProperty(TpmAlgorithm Algorithm, uint Attributes);
