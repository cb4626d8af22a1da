"""The CEvNS engine: cross sections and recoil spectra for any model.

* ``dσ/dT``, ``σ(E)``, ``⟨σ⟩`` — :mod:`cevns.engine.cross_section`
* recoil spectra ``∫ φ dσ/dT dE`` — :mod:`cevns.engine.rates`

The engine reads its couplings, form factors and extra terms from a model object
(:mod:`cevns.models`), which itself is built from the physics ingredients
(:mod:`cevns.physics`): ingredients → models → engine.
"""
