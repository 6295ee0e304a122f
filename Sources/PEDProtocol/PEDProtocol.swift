// The PED USB protocol: framing, messages, firmware compatibility (standard library only).
