/* usbdevfs at the ioctl level for a simulated device; see include/usb_gadget.h. */

#include "usb_gadget.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/usbdevice_fs.h>
#include <umockdev.h>

/* A URB between SUBMITURB and REAPURB: its resolved usbdevfs_urb (whose child is the buffer,
 * so both are written back to the client when the reap that links them completes). */
typedef struct urb_entry {
    UMockdevIoctlData *urb_data;
    UMockdevIoctlData *buffer_data;
    uint64_t tag;
    struct urb_entry *next;
} urb_entry;

struct tp_gadget {
    UMockdevIoctlBase *handler;
    char *devnode;
    tp_gadget_callbacks callbacks;
    pthread_mutex_t lock;
    urb_entry *in_flight;          /* submitted, not yet answered */
    urb_entry *reapable;           /* answered, oldest first */
    urb_entry *reapable_tail;
    int fifo;                      /* -1 until tp_gadget_make_fifo */
    int gone;
    uint64_t ioctls;
};

typedef struct {
    UMockdevIoctlClient *client;
} reset_token;

static char *copy_message(const char *text) {
    size_t n = strlen(text) + 1;
    char *out = malloc(n);
    if (out) memcpy(out, text, n);
    return out;
}

/* Readiness: the FIFO is writable (POLLOUT) exactly while a URB is reapable. */
static void fifo_fill(tp_gadget *g) {
    if (g->fifo < 0) return;
    static const char block[4096];
    while (write(g->fifo, block, sizeof block) > 0) {}
    while (write(g->fifo, block, 1) > 0) {}
}

static void fifo_drain(tp_gadget *g) {
    if (g->fifo < 0) return;
    char block[4096];
    while (read(g->fifo, block, sizeof block) > 0) {}
}

static urb_entry *take(urb_entry **list, uint64_t tag) {
    for (urb_entry **at = list; *at; at = &(*at)->next) {
        if ((*at)->tag == tag) {
            urb_entry *found = *at;
            *at = found->next;
            found->next = NULL;
            return found;
        }
    }
    return NULL;
}

static void free_entry(urb_entry *e) {
    if (e->buffer_data) g_object_unref(e->buffer_data);
    g_object_unref(e->urb_data);
    free(e);
}

/* Called with the lock held. */
static void make_reapable(tp_gadget *g, urb_entry *e, int status, const uint8_t *bytes, uint32_t length) {
    struct usbdevfs_urb *urb = (struct usbdevfs_urb *) e->urb_data->data;
    uint8_t *buffer = e->buffer_data ? (uint8_t *) e->buffer_data->data : NULL;
    /* A control transfer's direction is its setup packet's; its data follows the setup. */
    int is_control = urb->type == USBDEVFS_URB_TYPE_CONTROL;
    int is_in = is_control ? (buffer[0] & 0x80) != 0 : (urb->endpoint & 0x80) != 0;
    uint32_t offset = is_control ? 8 : 0;
    uint32_t room = urb->buffer_length > (int) offset ? (uint32_t) urb->buffer_length - offset : 0;
    uint32_t actual = length < room ? length : room;
    if (is_in && bytes && actual) memcpy(buffer + offset, bytes, actual);
    urb->status = status;
    urb->actual_length = status == 0 ? (int) actual : 0;
    if (!g->reapable) fifo_drain(g);
    if (g->reapable_tail) g->reapable_tail->next = e; else g->reapable = e;
    g->reapable_tail = e;
}

static gboolean submit_urb(tp_gadget *g, UMockdevIoctlClient *client, UMockdevIoctlData *arg) {
    GError *error = NULL;
    UMockdevIoctlData *urb_data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &error);
    if (!urb_data) {
        g_clear_error(&error);
        umockdev_ioctl_client_complete(client, -1, EFAULT);
        return TRUE;
    }
    struct usbdevfs_urb *urb = (struct usbdevfs_urb *) urb_data->data;
    /* Read the fields before resolving the buffer: resolving may move the URB's bytes. */
    unsigned char type = urb->type, endpoint = urb->endpoint;
    int length = urb->buffer_length;
    if (type == USBDEVFS_URB_TYPE_ISO || length < 0 || (type == USBDEVFS_URB_TYPE_CONTROL && length < 8)) {
        g_object_unref(urb_data);
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
    }
    UMockdevIoctlData *buffer_data = NULL;
    if (length > 0) {
        buffer_data = umockdev_ioctl_data_resolve(urb_data, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
                                                  (gsize) length, &error);
        if (!buffer_data) {
            g_clear_error(&error);
            g_object_unref(urb_data);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return TRUE;
        }
    }
    urb = (struct usbdevfs_urb *) urb_data->data;
    urb_entry *e = calloc(1, sizeof *e);
    e->urb_data = urb_data;
    e->buffer_data = buffer_data;
    e->tag = urb_data->client_addr;

    const uint8_t *bytes = buffer_data ? (const uint8_t *) buffer_data->data : NULL;
    uint32_t sent = 0;
    if (type == USBDEVFS_URB_TYPE_CONTROL) {
        uint16_t wLength = (uint16_t) (bytes[6] | (bytes[7] << 8));
        sent = (bytes[0] & 0x80) ? 8 : 8 + (wLength < (uint32_t) length - 8 ? wLength : (uint32_t) length - 8);
    } else if (!(endpoint & 0x80)) {
        sent = (uint32_t) length;
    }

    pthread_mutex_lock(&g->lock);
    if (g->gone) {
        pthread_mutex_unlock(&g->lock);
        free_entry(e);
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
    }
    e->next = g->in_flight;
    g->in_flight = e;
    pthread_mutex_unlock(&g->lock);
    umockdev_ioctl_client_complete(client, 0, 0);
    g->callbacks.submit(g->callbacks.context, e->tag, type, endpoint, bytes, sent, (uint32_t) length);
    return TRUE;
}

static gboolean reap_urb(tp_gadget *g, UMockdevIoctlClient *client, UMockdevIoctlData *arg) {
    pthread_mutex_lock(&g->lock);
    urb_entry *e = g->reapable;
    if (!e) {
        int gone = g->gone;
        pthread_mutex_unlock(&g->lock);
        umockdev_ioctl_client_complete(client, -1, gone ? ENODEV : EAGAIN);
        return TRUE;
    }
    g->reapable = e->next;
    if (!g->reapable) {
        g->reapable_tail = NULL;
        if (!g->gone) fifo_fill(g);
    }
    pthread_mutex_unlock(&g->lock);

    GError *error = NULL;
    UMockdevIoctlData *pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &error);
    if (!pointer || !umockdev_ioctl_data_set_ptr(pointer, 0, e->urb_data)) {
        g_clear_error(&error);
        if (pointer) g_object_unref(pointer);
        free_entry(e);
        umockdev_ioctl_client_complete(client, -1, EFAULT);
        return TRUE;
    }
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(pointer);
    free_entry(e);
    return TRUE;
}

static gboolean discard_urb(tp_gadget *g, UMockdevIoctlClient *client, UMockdevIoctlData *arg) {
    uint64_t tag = (uint64_t) *(gulong *) arg->data;
    pthread_mutex_lock(&g->lock);
    int known = 0;
    for (urb_entry *e = g->in_flight; e; e = e->next) if (e->tag == tag) { known = 1; break; }
    pthread_mutex_unlock(&g->lock);
    if (!known) {
        /* Already answered (or never submitted): the kernel says EINVAL, and libusb expects it. */
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
    }
    umockdev_ioctl_client_complete(client, 0, 0);
    g->callbacks.discard(g->callbacks.context, tag);
    return TRUE;
}

static gboolean write_u32(UMockdevIoctlClient *client, UMockdevIoctlData *arg, uint32_t value) {
    GError *error = NULL;
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), &error);
    if (!d) {
        g_clear_error(&error);
        umockdev_ioctl_client_complete(client, -1, EFAULT);
        return TRUE;
    }
    memcpy(d->data, &value, sizeof value);
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(d);
    return TRUE;
}

static gboolean handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data) {
    (void) handler;
    tp_gadget *g = user_data;
    if (strcmp(umockdev_ioctl_client_get_devnode(client), g->devnode) != 0) return FALSE;
    __atomic_add_fetch(&g->ioctls, 1, __ATOMIC_RELAXED);
    gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);

    pthread_mutex_lock(&g->lock);
    int gone = g->gone;
    pthread_mutex_unlock(&g->lock);
    if (gone && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY) {
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
    }

    switch (request) {
    case USBDEVFS_GET_CAPABILITIES:
        return write_u32(client, arg, USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION
                         | USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT
                         | USBDEVFS_CAP_ZERO_PACKET);
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_DISCONNECT_CLAIM:
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
    case USBDEVFS_GETDRIVER:
    case USBDEVFS_IOCTL:
        /* No kernel driver is bound to a simulated interface. */
        umockdev_ioctl_client_complete(client, -1, ENODATA);
        return TRUE;
    case USBDEVFS_SUBMITURB:
        return submit_urb(g, client, arg);
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
        return reap_urb(g, client, arg);
    case USBDEVFS_DISCARDURB:
        return discard_urb(g, client, arg);
    case USBDEVFS_RESET: {
        reset_token *token = malloc(sizeof *token);
        token->client = g_object_ref(client);
        g->callbacks.reset(g->callbacks.context, token);
        return TRUE;
    }
    default:
        umockdev_ioctl_client_complete(client, -1, ENOTTY);
        return TRUE;
    }
}

tp_gadget *tp_gadget_attach(void *testbed, const char *devnode, tp_gadget_callbacks callbacks, char **error) {
    tp_gadget *g = calloc(1, sizeof *g);
    g->devnode = copy_message(devnode);
    g->callbacks = callbacks;
    g->fifo = -1;
    pthread_mutex_init(&g->lock, NULL);
    g->handler = umockdev_ioctl_base_new();
    g_signal_connect(g->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), g);
    GError *gerror = NULL;
    if (!umockdev_testbed_attach_ioctl((UMockdevTestbed *) testbed, devnode, g->handler, &gerror)) {
        if (error) *error = copy_message(gerror ? gerror->message : "umockdev refused the device node");
        g_clear_error(&gerror);
        g_object_unref(g->handler);
        free(g->devnode);
        free(g);
        return NULL;
    }
    return g;
}

int tp_gadget_make_fifo(tp_gadget *g, const char *path) {
    if (unlink(path) != 0 && errno != ENOENT) return errno;
    if (mkfifo(path, 0660) != 0) return errno;
    /* O_RDWR: opening a FIFO for one direction blocks until a peer opens the other. */
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno;
    pthread_mutex_lock(&g->lock);
    g->fifo = fd;
    if (!g->reapable) fifo_fill(g);
    pthread_mutex_unlock(&g->lock);
    return 0;
}

void tp_gadget_complete(tp_gadget *g, uint64_t tag, int status, const uint8_t *bytes, uint32_t length) {
    pthread_mutex_lock(&g->lock);
    urb_entry *e = take(&g->in_flight, tag);
    if (e) make_reapable(g, e, status, bytes, length);
    pthread_mutex_unlock(&g->lock);
}

void tp_gadget_finish_reset(void *token, int error_number) {
    reset_token *t = token;
    umockdev_ioctl_client_complete(t->client, error_number ? -1 : 0, error_number);
    g_object_unref(t->client);
    free(t);
}

void tp_gadget_disconnect(tp_gadget *g) {
    pthread_mutex_lock(&g->lock);
    g->gone = 1;
    while (g->in_flight) {
        urb_entry *e = g->in_flight;
        g->in_flight = e->next;
        e->next = NULL;
        make_reapable(g, e, -ESHUTDOWN, NULL, 0);
    }
    /* Readable-for-writing from now on: the host's next reap learns the device is gone. */
    fifo_drain(g);
    pthread_mutex_unlock(&g->lock);
}

uint64_t tp_gadget_ioctl_count(tp_gadget *g) {
    return __atomic_load_n(&g->ioctls, __ATOMIC_RELAXED);
}

void tp_gadget_detach(tp_gadget *g, void *testbed) {
    umockdev_testbed_detach_ioctl((UMockdevTestbed *) testbed, g->devnode, NULL);
    pthread_mutex_lock(&g->lock);
    urb_entry *lists[2] = { g->in_flight, g->reapable };
    g->in_flight = g->reapable = g->reapable_tail = NULL;
    pthread_mutex_unlock(&g->lock);
    for (int i = 0; i < 2; i++) {
        while (lists[i]) {
            urb_entry *e = lists[i];
            lists[i] = e->next;
            free_entry(e);
        }
    }
    if (g->fifo >= 0) close(g->fifo);
    g_object_unref(g->handler);
    pthread_mutex_destroy(&g->lock);
    free(g->devnode);
    free(g);
}
