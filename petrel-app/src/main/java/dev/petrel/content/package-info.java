/**
 * What a sender may put in a message, the same on both doors (the SMTP listener and the HTTP API):
 * the header rules of submitted mail ({@link dev.petrel.content.SubmissionFilter}), the header
 * From's domains ({@link dev.petrel.content.HeaderFrom}), the fields Petrel adds ({@link
 * dev.petrel.content.Generated}) and its own fields that never leave ({@link
 * dev.petrel.content.InternalHeaders}). Depends only on the shared values and mime4j.
 */
package dev.petrel.content;
