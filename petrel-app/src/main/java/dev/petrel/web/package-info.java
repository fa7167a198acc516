/** The web dashboard: static pages that are clients of the HTTP API ({@code dev.petrel.api}). */
package dev.petrel.web;
