"""The physics ingredients: kinematics, targets, form factors and couplings.

Where to find each formula:

* kinematics (``T_max``, ``E_min``, ``q``) — :mod:`cevns.physics.kinematics`
* isotopes, elements, compounds, mixtures — :mod:`cevns.physics.targets`
* Helm / Klein–Nystrand / symmetrized Fermi / unity — :mod:`cevns.physics.form_factors`
* nucleon couplings and their schemes — :mod:`cevns.physics.couplings`

The models (:mod:`cevns.models`) combine these; the engine (:mod:`cevns.engine`) computes
``dσ/dT``, ``σ(E)``, ``⟨σ⟩`` and recoil spectra from a model.
"""
