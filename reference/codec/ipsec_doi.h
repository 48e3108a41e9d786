/* ipsec_doi.h — the numbers of the IKEv1 attribute space and the IPsec DOI, in one place
 * (RFC 2409 App. A for phase-1 attributes, RFC 2407 §4.4–4.6 for phase 2, RFC 3947 §5.2
 * for UDP encapsulation modes). Used by refgw's IKE engine, its ESP data plane, the
 * capture analyzer and the tests; values are the on-the-wire ones.
 */
#ifndef CODEC_IPSEC_DOI_H
#define CODEC_IPSEC_DOI_H

#define IPSEC_DOI               1
#define IPSEC_SIT_IDENTITY_ONLY 1

/* Phase-1 (Oakley) attribute classes, RFC 2409 App. A */
enum ike_attr {
	IKE_ATTR_ENC = 1, IKE_ATTR_HASH = 2, IKE_ATTR_AUTH = 3, IKE_ATTR_GROUP = 4,
	IKE_ATTR_LIFE_TYPE = 11, IKE_ATTR_LIFE_DURATION = 12, IKE_ATTR_KEY_LEN = 14,
};
enum ike_enc { IKE_ENC_DES = 1, IKE_ENC_3DES = 5, IKE_ENC_AES_CBC = 7 };
enum ike_hash { IKE_HASH_MD5 = 1, IKE_HASH_SHA1 = 2, IKE_HASH_SHA256 = 4 };
enum ike_auth { IKE_AUTH_PSK = 1 };
enum ike_life_type { IKE_LIFE_SECONDS = 1, IKE_LIFE_KILOBYTES = 2 };
#define IKE_KEY_ISAKMP 1          /* transform ID KEY_IKE (RFC 2407 §4.4.2) */

/* Phase-2 (IPsec DOI) SA attributes, RFC 2407 §4.5 */
enum ipsec_attr {
	IPSEC_ATTR_LIFE_TYPE = 1, IPSEC_ATTR_LIFE_DURATION = 2, IPSEC_ATTR_GROUP = 3,
	IPSEC_ATTR_ENCAP_MODE = 4, IPSEC_ATTR_AUTH_ALG = 5, IPSEC_ATTR_KEY_LEN = 6,
};
/* ESP transform IDs, RFC 2407 §4.4.4 (+ AES-CBC = 12, RFC 3602) */
enum esp_enc_alg { ESP_ENC_DES = 2, ESP_ENC_3DES = 3, ESP_ENC_NULL = 11, ESP_ENC_AES_CBC = 12 };
/* Authentication algorithm attribute values, RFC 2407 §4.5 (+ HMAC-SHA2-256 = 5, RFC 4868) */
enum esp_auth_alg { ESP_AUTH_NONE = 0, ESP_AUTH_HMAC_MD5 = 1, ESP_AUTH_HMAC_SHA1 = 2, ESP_AUTH_HMAC_SHA256 = 5 };
/* Encapsulation modes: RFC 2407 §4.5, RFC 3947 §5.2, and the draft values strongSwan may send */
enum ipsec_encap {
	IPSEC_ENCAP_TUNNEL = 1, IPSEC_ENCAP_TRANSPORT = 2,
	IPSEC_ENCAP_UDP_TUNNEL = 3, IPSEC_ENCAP_UDP_TRANSPORT = 4,
	IPSEC_ENCAP_UDP_TUNNEL_DRAFT = 61443, IPSEC_ENCAP_UDP_TRANSPORT_DRAFT = 61444,
};
/* Identification types, RFC 2407 §4.6.2.1 */
enum ipsec_id { IPSEC_ID_IPV4_ADDR = 1, IPSEC_ID_FQDN = 2, IPSEC_ID_IPV4_ADDR_SUBNET = 4,
		IPSEC_ID_IPV4_ADDR_RANGE = 7 };

#endif
