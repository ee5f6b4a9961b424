"""Exact small-integer features shared by the float32 kernels."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def dense_u8(matrix: sp.csr_matrix) -> np.ndarray:
    """Return a sparse matrix of small non-negative integers as dense ``uint8``."""
    coo = sp.coo_matrix(matrix)
    coo.sum_duplicates()
    out = np.zeros(coo.shape, dtype=np.uint8)
    out[coo.row, coo.col] = coo.data
    return out


def csr32(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Return ``matrix`` as a canonical float32 CSR (the left side of products).

    Block products are ``left[rows] @ right[:, cols]``: a sparse left side times a
    dense right side costs one multiply-add per stored left entry and column,
    far less than a dense product over every feature.
    """
    out = sp.csr_matrix(matrix, dtype=np.float32)
    out.eliminate_zeros()
    out.sort_indices()
    return out
