/**
 * The mailbox simulator: {@link dev.petrel.deliver.sim.SimulatorServer} is an SMTP server whose
 * addresses choose its replies at every phase, for Petrel's sandbox domain, for {@code petrel
 * sink}, and for tests. Of Petrel it uses only the SMTP grammar it shares with the listener ({@code
 * dev.petrel.protocol}, with the address values of {@code dev.petrel.model}), never the delivery
 * client, so it can be run as a test server for anyone's SMTP client. The address scheme is
 * described on {@link dev.petrel.deliver.sim.SimulatorServer}.
 */
package dev.petrel.deliver.sim;
