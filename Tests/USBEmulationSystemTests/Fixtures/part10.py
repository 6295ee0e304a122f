#!/usr/bin/env python3
"""PC/SC part 10 secure PIN entry as any PC/SC application does it, with pyscard only:
find the reader, read its feature list (CM_IOCTL_GET_FEATURE_REQUEST), select the TCOS
share slot, then FEATURE_VERIFY_PIN_DIRECT or FEATURE_MODIFY_PIN_DIRECT with the PIN
structures of PC/SC part 10 v2.02.07 section 2.5. Prints "features ..." then "sw XXXX".

usage: part10.py verify|modify
"""
import struct
import sys

from smartcard.scard import (SCARD_CTL_CODE, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_SCOPE_USER,
                             SCARD_SHARE_SHARED, SCARD_UNPOWER_CARD, SCardConnect, SCardControl,
                             SCardDisconnect, SCardEstablishContext, SCardListReaders, SCardTransmit)

FEATURE_VERIFY_PIN_DIRECT = 0x06
FEATURE_MODIFY_PIN_DIRECT = 0x07
SELECT_SHARE_DF = [0x00, 0xA4, 0x04, 0x0C, 0x08, 0xF0] + list(b"TPSHARE")
PIN_REFERENCE = 0x81
BLOCK = 8  # the TrustedPath ASCII PIN block: 6 to 8 digits, left justified, 0xFF filled


def check(rv, what):
    if rv != 0:
        sys.exit(f"{what} failed: {rv:#x}")


def main():
    operation = sys.argv[1]
    rv, context = SCardEstablishContext(SCARD_SCOPE_USER)
    check(rv, "SCardEstablishContext")
    rv, readers = SCardListReaders(context, [])
    check(rv, "SCardListReaders")
    reader = next(r for r in readers if "cyberJack" in r or "SPR" in r or "Reader" in r)
    rv, card, protocol = SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
    check(rv, "SCardConnect")
    rv, answer = SCardControl(card, SCARD_CTL_CODE(3400), [])
    check(rv, "CM_IOCTL_GET_FEATURE_REQUEST")
    features = {}
    for i in range(0, len(answer), 6):
        tag, length = answer[i], answer[i + 1]
        features[tag] = struct.unpack(">I", bytes(answer[i + 2:i + 6]))[0]
    print("features " + " ".join(f"{tag:02x}" for tag in sorted(features)))
    rv, response = SCardTransmit(card, protocol, SELECT_SHARE_DF)
    check(rv, "SCardTransmit SELECT")
    if response[-2:] != [0x90, 0x00]:
        sys.exit(f"SELECT answered {bytes(response).hex()}")

    filler = [0xFF] * BLOCK
    common = struct.pack("<BBBBBH", 30, 30, 0x82, BLOCK, 0x00, (6 << 8) | 8)
    if operation == "verify":
        apdu = [0x00, 0x20, 0x00, PIN_REFERENCE, BLOCK] + filler
        structure = common + struct.pack("<BBHB3sI", 0x02, 0x01, 0x0409, 0x00, b"\0\0\0", len(apdu))
        code = features[FEATURE_VERIFY_PIN_DIRECT]
    else:
        apdu = [0x00, 0x24, 0x00, PIN_REFERENCE, 2 * BLOCK] + filler + filler
        # bInsertionOffsetOld 0, bInsertionOffsetNew 8, bConfirmPIN 3 (ask the current PIN,
        # confirm the new one), three messages: current, new, confirm.
        structure = (struct.pack("<BBBBBBBH", 30, 30, 0x82, BLOCK, 0x00, 0, BLOCK, (6 << 8) | 8)
                     + struct.pack("<BBBHBBB3sI", 0x03, 0x02, 0x03, 0x0409, 0, 1, 2, b"\0\0\0", len(apdu)))
        code = features[FEATURE_MODIFY_PIN_DIRECT]
    rv, response = SCardControl(card, code, list(structure) + apdu)
    check(rv, "SCardControl PIN entry")
    print("sw " + bytes(response[-2:]).hex())
    SCardDisconnect(card, SCARD_UNPOWER_CARD)


main()
