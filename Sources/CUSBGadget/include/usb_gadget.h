#ifndef TRUSTEDPATH_USB_GADGET_H
#define TRUSTEDPATH_USB_GADGET_H

#include <stdint.h>
#include <stddef.h>

/* A simulated USB device served at the usbdevfs ioctl level inside a umockdev testbed.
 *
 * Every program run under libumockdev-preload with the testbed's UMOCKDEV_DIR that opens the
 * device node talks to this process: its ioctls (SUBMITURB, REAPURBNDELAY, DISCARDURB, RESET,
 * CLAIMINTERFACE...) arrive on umockdev's worker thread, where this layer answers the ones a
 * device does not care about and hands each URB to the callbacks. The Swift side answers a
 * URB later, from any thread, with tp_gadget_complete; the URB is then reapable.
 *
 * The device node is a FIFO kept full while nothing is reapable: libusb polls the node for
 * POLLOUT before it reaps, so it sleeps until a URB completes instead of spinning. */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_gadget tp_gadget;

enum {
    TP_URB_INTERRUPT = 1,
    TP_URB_CONTROL = 2,
    TP_URB_BULK = 3,
};

typedef struct {
    void *context;
    /* A submitted URB. `bytes` holds what the host sends: an OUT transfer's data, or a control
     * transfer's 8-byte setup packet followed by its OUT data. `capacity` is the buffer length
     * (for control, including the setup). Called on umockdev's worker thread, in submit order. */
    void (*submit)(void *context, uint64_t tag, uint8_t type, uint8_t endpoint,
                   const uint8_t *bytes, uint32_t length, uint32_t capacity);
    /* The host gave up on a URB (DISCARDURB); complete it with -ENOENT (or normally, if it
     * raced). */
    void (*discard)(void *context, uint64_t tag);
    /* USBDEVFS_RESET; answer with tp_gadget_finish_reset(token, errno or 0). */
    void (*reset)(void *context, void *token);
} tp_gadget_callbacks;

/* Serves `devnode` (e.g. "/dev/bus/usb/001/007") of the UMockdevTestbed `testbed`. Call it
 * before adding the device to the testbed, then tp_gadget_make_fifo once the device exists.
 * Returns NULL with *error set (free() it) on failure. */
tp_gadget *tp_gadget_attach(void *testbed, const char *devnode, tp_gadget_callbacks callbacks, char **error);

/* Replaces the testbed's device node file at `path` by the readiness FIFO. Returns 0 or errno. */
int tp_gadget_make_fifo(tp_gadget *gadget, const char *path);

/* Answers a URB: `status` 0 or a negative errno (-EPIPE for a stall, -ENOENT when discarded,
 * -ESHUTDOWN when the device went away); `bytes` the IN data (for control, after the setup).
 * For OUT transfers, `length` is how many bytes the device took. Thread-safe; a tag no longer
 * in flight is ignored. */
void tp_gadget_complete(tp_gadget *gadget, uint64_t tag, int status, const uint8_t *bytes, uint32_t length);

/* Completes a USBDEVFS_RESET handed to the reset callback. Thread-safe. */
void tp_gadget_finish_reset(void *token, int error_number);

/* The device is unplugged: every URB in flight completes with -ESHUTDOWN and every later ioctl
 * fails with ENODEV, as the kernel does for a device that went away. Thread-safe. */
void tp_gadget_disconnect(tp_gadget *gadget);

/* How many ioctls the gadget has answered (REAPURBNDELAY included): the idle benchmark's
 * "is the host spinning" figure. */
uint64_t tp_gadget_ioctl_count(tp_gadget *gadget);

/* Stops serving the node and frees the gadget; URBs in flight are dropped. */
void tp_gadget_detach(tp_gadget *gadget, void *testbed);

#ifdef __cplusplus
}
#endif

#endif
