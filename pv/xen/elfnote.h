/*
 * An assembler macro for one Xen ELF note (name "Xen", a type from <xen/elfnote.h>, and its
 * descriptor), which the domain builder reads through the PT_NOTE program header.
 */
#ifndef PV_XEN_ELFNOTE_H
#define PV_XEN_ELFNOTE_H

#include <xen/elfnote.h>

.macro elfnote type:req, desc:vararg
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f		/* name size */
	.long 4f - 3f		/* descriptor size */
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:	\desc
4:	.balign 4
	.popsection
.endm

#endif
