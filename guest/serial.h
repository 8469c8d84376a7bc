#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

/* Program COM1 for 115200 8n1 and register it as a console. */
void serial_init(void);

#endif
