// The HSM-side PED driver over USBLink.
