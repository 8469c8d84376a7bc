/* Native IPIs: one fixed-delivery vector per kind (enum ipi_kind), sent through the ICR. */
#include "pv/native/native.h"
#include "pv/native/lapic.h"
#include "guest/panic.h"
#include "guest/smp.h"

_Static_assert(IPI_VECTOR_FIRST + IPI_NR - 1 < SPURIOUS_VECTOR, "IPI vectors below spurious");

static void ipi_irq(unsigned vector)
{
	smp_ipi_received(vector - IPI_VECTOR_FIRST);
	lapic_eoi();
}

void native_ipi_init(void)
{
	for (unsigned kind = 0; kind < IPI_NR; kind++)
		irq_vector_register(IPI_VECTOR_FIRST + kind, ipi_irq);
}

void native_send_ipi(unsigned cpu, unsigned kind)
{
	/* A lost IPI would leave its sender waiting for ever: stop here instead. */
	if (lapic_send_ipi(native_cpu_apic_id(cpu),
			   ICR_FIXED | ICR_LEVEL_ASSERT | (IPI_VECTOR_FIRST + kind)))
		panic("ipi: kind %u to cpu %u not delivered", kind, cpu);
}
