/**
 * The mailbox simulator: {@link dev.petrel.deliver.sim.SimulatorServer} is an SMTP server whose
 * addresses choose its replies at every phase, for Petrel's sandbox domain, for {@code petrel
 * sink}, and for tests. It depends on nothing else in Petrel, so it can be run as a test server for
 * anyone's SMTP client. The address scheme is described on {@link
 * dev.petrel.deliver.sim.SimulatorServer}.
 */
package dev.petrel.deliver.sim;
