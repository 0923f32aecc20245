/** The dynamic embedding table study: hashing against collisionless dynamic tables at equal memory. */
package dev.sparsetrain.studies.dynamic;
