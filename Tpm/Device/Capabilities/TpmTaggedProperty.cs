namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>TPMS_TAGGED_PROPERTY: one TPM property and its value.</summary>
public readonly record struct TpmTaggedProperty(TpmPropertyTag Property, uint Value);
