/**
 * The queue manager: claims due recipients from the store with a lease, hands them to delivery with
 * per-destination slots, and records what delivery reports (attempts, the next state, the retry
 * time), then suppression and the notice to the sender. Woken by the listener's and the API's typed
 * "queued" events; otherwise it polls.
 */
package dev.petrel.schedule;
