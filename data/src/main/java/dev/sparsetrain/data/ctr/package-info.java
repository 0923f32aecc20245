/**
 * Click-through-rate data: readers for the Criteo TSV and Avazu CSV formats and a generic
 * schema-driven delimited reader ({@link dev.sparsetrain.data.ctr.CtrSchema},
 * {@link dev.sparsetrain.data.ctr.CtrReader}) producing raw columns
 * ({@link dev.sparsetrain.data.ctr.CtrRawData}); feature encoding
 * ({@link dev.sparsetrain.data.ctr.FeatureEncoder}: dense features through log1p or
 * standardization, sparse ids through the hashing trick or a minimum-count vocabulary) into the
 * model-ready {@link dev.sparsetrain.data.ctr.CtrData}; the fitted encoder with its format and
 * schema as stored in a model file ({@link dev.sparsetrain.data.ctr.EncoderState}), so saved
 * models re-encode new rows exactly as in training; a collision report of the hashing; and a
 * seeded synthetic generator of Criteo-shaped data with power-law id frequencies and a planted
 * click model ({@link dev.sparsetrain.data.ctr.SyntheticCtr}), which also writes such a log to disk
 * in the Criteo TSV format one row at a time. Logs past memory: a block reader with the whole-file
 * reader's checks and messages ({@link dev.sparsetrain.data.ctr.CtrLogStream}), a one-pass encoder
 * fit ({@link dev.sparsetrain.data.ctr.EncoderFitter}), a background reader of encoded blocks with a
 * bounded queue ({@link dev.sparsetrain.data.ctr.CtrBlockReader}) and the streamed split
 * ({@link dev.sparsetrain.data.ctr.CtrStreamSplit}).
 */
package dev.sparsetrain.data.ctr;
