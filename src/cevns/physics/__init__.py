"""The Standard-Model CEvNS engine: kinematics, targets, form factors, couplings, cross sections.

Where to find each formula:

* kinematics (``T_max``, ``E_min``, ``q``) — :mod:`cevns.physics.kinematics`
* isotopes, elements, compounds, mixtures — :mod:`cevns.physics.targets`
* Helm / Klein–Nystrand / symmetrized Fermi / unity — :mod:`cevns.physics.form_factors`
* nucleon couplings and their schemes — :mod:`cevns.physics.couplings`
* ``dσ/dT``, ``σ(E)``, ``⟨σ⟩`` — :mod:`cevns.physics.cross_section`
* recoil spectra ``∫ φ dσ/dT dE`` — :mod:`cevns.physics.rates`
"""
