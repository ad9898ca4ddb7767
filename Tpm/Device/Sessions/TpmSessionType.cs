namespace OrleansAttest.Tpm.Device.Sessions;

/// <summary>TPM_SE (TPM 2.0 Part 2, 6.11).</summary>
public enum TpmSessionType : byte
{
    Hmac = 0x00,
    Policy = 0x01,
    Trial = 0x03,
}
