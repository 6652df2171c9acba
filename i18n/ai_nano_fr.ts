<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>GUI_ai_nano</name>
    <message>
        <location filename="../window_steps.py" line="91"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="125"/>
        <source>{0}: no DL server configured</source>
        <translation>{0} : aucun serveur DL configuré</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="81"/>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="216"/>
        <source>Selection of {0} as working space</source>
        <translation>Choix de {0} comme espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="227"/>
        <source>bringing the pictures in…</source>
        <translation>import des images…</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="236"/>
        <source>Existing project: {0}</source>
        <translation>Projet existant : {0}</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="236"/>
        <source>{0} ({1} images)</source>
        <translation>{0} ({1} images)</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="150"/>
        <source>Choose a working space first</source>
        <translation>Choisissez d’abord un espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="284"/>
        <source>Project created: {0} classes</source>
        <translation>Projet créé : {0} classes</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="19"/>
        <source>Start here: choose a working space (a folder for your project), set the number of classes and the camera, then press 1 - Create the project.</source>
        <translation>Commencez ici : choisissez un espace de travail (un dossier pour votre projet), le nombre de classes et la caméra, puis cliquez sur 1 - Créer le projet.</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="22"/>
        <source>1 - Project</source>
        <translation>1 - Projet</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="27"/>
        <source>Working space</source>
        <translation>Espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="30"/>
        <source>The folder of your project: its pictures, split and state live there. Type a folder (a new one is made) or choose one with …</source>
        <translation>Le dossier de votre projet : ses images, leur répartition et son état y sont rangés. Tapez un dossier (un nouveau est créé) ou choisissez-en un avec …</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="30"/>
        <source>type a folder, or choose one with …</source>
        <translation>tapez un dossier ou choisissez-le avec …</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="31"/>
        <source>Choose the working space in a folder dialog (you can make a new folder there)</source>
        <translation>Choisir l’espace de travail dans une fenêtre de dossiers (vous pouvez y créer un nouveau dossier)</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="34"/>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="35"/>
        <source>How many classes (kinds of objects) your model tells apart; each gets a form in step 2</source>
        <translation>Combien de classes (types d’objets) votre modèle distingue ; chacune a son formulaire à l’étape 2</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="36"/>
        <source>Camera</source>
        <translation>Caméra</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="37"/>
        <source>The camera that records: one found on this computer, or type an index (0), a device (/dev/video0), a video file or a stream URL. What you type is used, no Enter needed</source>
        <translation>La caméra qui enregistre : une caméra trouvée sur cet ordinateur, ou tapez un numéro (0), un périphérique (/dev/video0), un fichier vidéo ou l’URL d’un flux. Ce que vous tapez est utilisé, sans appuyer sur Entrée</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="38"/>
        <source>1 - Create the project</source>
        <translation>1 - Créer le projet</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="38"/>
        <source>Make the project in the working space: one form per class appears in step 2, where you name each class and record its pictures</source>
        <translation>Crée le projet dans l’espace de travail : un formulaire par classe apparaît à l’étape 2, où vous nommez chaque classe et enregistrez ses images</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="46"/>
        <source>Name each class and press Create, then Start (or Space) records its pictures until Stop. Move the object, vary the light and the background.</source>
        <translation>Nommez chaque classe et cliquez sur Créer, puis Démarrer (ou Espace) enregistre ses images jusqu’à Arrêter. Bougez l’objet, variez la lumière et le fond.</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="74"/>
        <source>3 - Split the pictures</source>
        <translation>3 - Répartir les images</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="75"/>
        <source>4 - Upload to the DL server</source>
        <translation>4 - Envoyer au serveur DL</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="75"/>
        <source>Send the split pictures to the DL server as one tar archive. Next: step 5 trains the model there</source>
        <translation>Envoie les images réparties au serveur DL en une archive tar. Ensuite : l’étape 5 y entraîne le modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="76"/>
        <source>5 - Train the model</source>
        <translation>5 - Entraîner le modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="76"/>
        <source>Train the ResNet-18 model on the DL server; the Training tab shows its progress. Next: step 6</source>
        <translation>Entraîne le modèle ResNet-18 sur le serveur DL ; l’onglet Entraînement montre sa progression. Ensuite : l’étape 6</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="77"/>
        <source>6 - Convert to ONNX and test</source>
        <translation>6 - Convertir en ONNX et tester</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="77"/>
        <source>Export the best model to ONNX and test it on the test set (Test results tab). Next: step 7</source>
        <translation>Exporte le meilleur modèle en ONNX et le teste sur l’ensemble de test (onglet Résultats du test). Ensuite : l’étape 7</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="78"/>
        <source>Nano</source>
        <translation>Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="79"/>
        <source>The Jetson Nano that runs your model (steps 7 and 8)</source>
        <translation>La Jetson Nano qui exécute votre modèle (étapes 7 et 8)</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="80"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="81"/>
        <source>The model step 8 runs: your project&apos;s, or one already on the Nano</source>
        <translation>Le modèle que l’étape 8 exécute : celui de votre projet, ou un modèle déjà sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="82"/>
        <source>7 - Upload to the Nano</source>
        <translation>7 - Envoyer sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="82"/>
        <source>Copy the ONNX model and its labels to the chosen Nano. Next: step 8 runs it</source>
        <translation>Copie le modèle ONNX et ses étiquettes sur la Nano choisie. Ensuite : l’étape 8 l’exécute</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="85"/>
        <source>8 - Run on the Nano</source>
        <translation>8 - Lancer sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="85"/>
        <source>Run the model on the Nano&apos;s camera: the Live tab shows what it sees and which LED is on</source>
        <translation>Exécute le modèle sur la caméra de la Nano : l’onglet En direct montre ce qu’elle voit et quelle LED est allumée</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="86"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="86"/>
        <source>Stop what is running: an upload, a training or conversion (cancelled on the DL server), the inference on the Nano</source>
        <translation>Arrête ce qui est en cours : un envoi, un entraînement ou une conversion (annulés sur le serveur DL), l’inférence sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="91"/>
        <source>Progress of the running step</source>
        <translation>Progression de l’étape en cours</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="92"/>
        <source>What the app is doing, or the last problem</source>
        <translation>Ce que fait l’application, ou le dernier problème</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="119"/>
        <source>No camera</source>
        <translation>Pas de caméra</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="106"/>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="109"/>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="110"/>
        <source>Test results</source>
        <translation>Résultats du test</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="111"/>
        <source>Live</source>
        <translation>En direct</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="112"/>
        <source>Machines</source>
        <translation>Machines</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="74"/>
        <source>Check the pictures and split them into train, val and test sets (80/10/10). Next: step 4 uploads them</source>
        <translation>Vérifie les images et les répartit en ensembles d’entraînement, de validation et de test (80/10/10). Ensuite : l’étape 4 les envoie</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="45"/>
        <source>2 - Record each class</source>
        <translation>2 - Enregistrer chaque classe</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="75"/>
        <source>{0} is already running</source>
        <translation>{0} est déjà en cours</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="55"/>
        <source>Working…</source>
        <translation>Travail en cours…</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="71"/>
        <source>Opening the working space</source>
        <translation>Ouverture de l’espace de travail</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="122"/>
        <source>Stopping {0}…</source>
        <translation>Arrêt de {0}…</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="127"/>
        <source>Host key of {0} remembered; press the step again.</source>
        <translation>Clé de {0} enregistrée ; relancez l’étape.</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="136"/>
        <source>Unknown machine</source>
        <translation>Machine inconnue</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="136"/>
        <source>{0}

The key&apos;s fingerprint is
{1} {2}

Compare it with the one your instructor gave. Trust this machine?</source>
        <translation>{0}

L’empreinte de sa clé est
{1} {2}

Comparez-la avec celle donnée par votre enseignant. Faire confiance à cette machine ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="85"/>
        <source>3 - checking the pictures…</source>
        <translation>3 - vérification des images…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="93"/>
        <source>Split cancelled: record more images, then split again</source>
        <translation>Répartition annulée : enregistrez plus d’images, puis relancez la répartition</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="96"/>
        <source>3 - splitting…</source>
        <translation>3 - répartition…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="102"/>
        <source>Split anyway?</source>
        <translation>Répartir quand même ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="102"/>
        <source>Split the images anyway?</source>
        <translation>Répartir les images quand même ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="111"/>
        <source>4 - uploading…</source>
        <translation>4 - envoi…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="137"/>
        <source>5 - training…</source>
        <translation>5 - entraînement…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="148"/>
        <source>6 - converting…</source>
        <translation>6 - conversion…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="174"/>
        <source>Choose a Nano first</source>
        <translation>Choisissez d’abord une Nano</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="164"/>
        <source>7 - uploading to the Nano…</source>
        <translation>7 - envoi vers la Nano…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="83"/>
        <source>8 - running on the Nano…</source>
        <translation>8 - exécution sur la Nano…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="193"/>
        <source>No DL server in config.json</source>
        <translation>Aucun serveur DL dans config.json</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="198"/>
        <source>No model yet: upload the data to the DL server first (step 4)</source>
        <translation>Pas encore de modèle : envoyez d’abord les données au serveur DL (étape 4)</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="96"/>
        <source>The webcam {0} is lent to {1} while it runs; the preview shows the Nano&apos;s camera</source>
        <translation>La webcam {0} est prêtée à {1} pendant qu’elle tourne ; l’aperçu montre la caméra de la Nano</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="106"/>
        <source>Nano camera: waiting for its pictures…</source>
        <translation>Caméra de la Nano : en attente de ses images…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="119"/>
        <source>Opening the camera…</source>
        <translation>Ouverture de la caméra…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="124"/>
        <source>The webcam {0} is back in the preview</source>
        <translation>La webcam {0} est revenue dans l’aperçu</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="59"/>
        <source>The Nano&apos;s camera ({0})</source>
        <translation>La caméra de la Nano ({0})</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="140"/>
        <source>Nano camera</source>
        <translation>Caméra de la Nano</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="147"/>
        <source>No inference running: start step 8 first</source>
        <translation>Aucune inférence en cours : lancez d’abord l’étape 8</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="154"/>
        <source>Asking {0} for its picture of '{1}'…</source>
        <translation>Demande à {0} de son image de « {1} »…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="168"/>
        <source>The Nano&apos;s picture was saved as {0} (class &apos;{1}&apos;); split again before the next training</source>
        <translation>L’image de la Nano est enregistrée sous {0} (classe « {1} ») ; refaites la répartition avant le prochain entraînement</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="178"/>
        <source>The Nano&apos;s picture does not decode: not saved</source>
        <translation>L’image de la Nano ne se décode pas : non enregistrée</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../widgets/history.py" line="100"/>
        <source>No training yet.</source>
        <translation>Pas encore d’entraînement.</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Pictures</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Best val.</source>
        <translation>Meilleure val.</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="46"/>
        <source>Where</source>
        <translation>Où</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="54"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="55"/>
        <source>Use this model (steps 6–8)</source>
        <translation>Utiliser ce modèle (étapes 6 à 8)</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="56"/>
        <source>Save to this computer…</source>
        <translation>Enregistrer sur cet ordinateur…</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="57"/>
        <source>Compare the two selected</source>
        <translation>Comparer les deux sélectionnés</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="65"/>
        <source>Validation accuracy (%)</source>
        <translation>Précision de validation (%)</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="66"/>
        <source>Validation loss</source>
        <translation>Perte de validation</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="70"/>
        <source>epoch</source>
        <translation>époque</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="100"/>
        <source>{0} training(s) of this project, newest first. Select one to use or save it, two to compare them.</source>
        <translation>{0} entraînement(s) de ce projet, du plus récent au plus ancien. Sélectionnez-en un pour l’utiliser ou l’enregistrer, deux pour les comparer.</translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message>
        <location filename="../widgets/live.py" line="171"/>
        <source>not running</source>
        <translation>à l’arrêt</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="214"/>
        <source>The Nano reported an error: {0}</source>
        <translation>La Nano a signalé une erreur : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="237"/>
        <source>{0:.1f} % confidence</source>
        <translation>confiance {0:.1f} %</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="141"/>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="172"/>
        <source>Inference stopped.</source>
        <translation>Inférence arrêtée.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="173"/>
        <source>Inference ended: end of the video.</source>
        <translation>Inférence terminée : fin de la vidéo.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="174"/>
        <source>Inference ended: the Nano&apos;s camera was lost.</source>
        <translation>Inférence terminée : la caméra de la Nano a été perdue.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="175"/>
        <source>Inference ended with an error.</source>
        <translation>Inférence terminée sur une erreur.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="176"/>
        <source>Inference ended.</source>
        <translation>Inférence terminée.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="101"/>
        <source>Wrong? It was…</source>
        <translation>Faux ? C’était…</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="278"/>
        <source>Copy the Nano&apos;s current picture into the pictures of &apos;{0}&apos;: the next training learns from the Nano&apos;s own camera</source>
        <translation>Copier l’image actuelle de la Nano dans les images de « {0} » : le prochain entraînement apprend de la caméra de la Nano elle-même</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../widgets/log_view.py" line="78"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="86"/>
        <source>✓ done: {0}</source>
        <translation>✓ terminé : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="89"/>
        <source>✗ failed: {0}</source>
        <translation>✗ échec : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="74"/>
        <source>ERROR: {0}</source>
        <translation>ERREUR : {0}</translation>
    </message>
</context>
<context>
    <name>MachineStatusPanel</name>
    <message>
        <location filename="../widgets/machines_table.py" line="18"/>
        <source>Reachable</source>
        <translation>Joignable</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="19"/>
        <source>Login</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="20"/>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="21"/>
        <source>PyTorch / runtime</source>
        <translation>PyTorch / moteur</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="22"/>
        <source>Camera</source>
        <translation>Caméra</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="23"/>
        <source>Free disk</source>
        <translation>Disque libre</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="52"/>
        <source>Not checked yet.</source>
        <translation>Pas encore vérifié.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="68"/>
        <source>Check again</source>
        <translation>Vérifier à nouveau</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="55"/>
        <source>Check again that the DL server and the Nanos are reachable and ready</source>
        <translation>Vérifier à nouveau que le serveur DL et les Nano sont joignables et prêts</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="68"/>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="70"/>
        <source>Checking the machines…</source>
        <translation>Vérification des machines…</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="89"/>
        <source>No machines in config.json.</source>
        <translation>Aucune machine dans config.json.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="89"/>
        <source>All machines ready.</source>
        <translation>Toutes les machines sont prêtes.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="89"/>
        <source>Not ready: {0} (hover a red cell for the reason).</source>
        <translation>Pas prêt : {0} (survolez une case rouge pour la raison).</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="96"/>
        <source>DL server</source>
        <translation>serveur DL</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="96"/>
        <source>Nano</source>
        <translation>Nano</translation>
    </message>
</context>
<context>
    <name>MistakesPanel</name>
    <message>
        <location filename="../widgets/mistakes.py" line="167"/>
        <source>Click a picture to see it larger.</source>
        <translation>Cliquez sur une image pour l’agrandir.</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="58"/>
        <source>Move to class …</source>
        <translation>Déplacer vers la classe …</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="59"/>
        <source>The picture is in the wrong class folder: move it (it gets a new number there; the next upload splits again).</source>
        <translation>L’image est dans le dossier d’une autre classe : déplacez-la (elle y reçoit un nouveau numéro ; le prochain envoi refait la répartition).</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="95"/>
        <source>What went wrong</source>
        <translation>Ce qui n’a pas marché</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="111"/>
        <source>test/{0}: a &apos;{1}&apos; picture answered as &apos;{2}&apos; with {3:.0f} % confidence</source>
        <translation>test/{0} : une image « {1} » reconnue comme « {2} » avec une confiance de {3:.0f} %</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="118"/>
        <source>{0} wrong test picture(s), the most confident mistakes first:</source>
        <translation>{0} image(s) de test mal reconnue(s), les erreurs commises avec le plus de confiance en premier :</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="118"/>
        <source>No wrong test picture.</source>
        <translation>Aucune image de test mal reconnue.</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="159"/>
        <source>{0} wrong test picture(s) left to look at (moved pictures count at the next training).</source>
        <translation>{0} image(s) de test mal reconnue(s) encore à examiner (les images déplacées comptent au prochain entraînement).</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="179"/>
        <source>(picture not on this computer any more)</source>
        <translation>(image plus présente sur cet ordinateur)</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="181"/>
        <source>{0}: labelled &apos;{1}&apos;, the model answered &apos;{2}&apos; ({3:.0f} %). Is the label wrong? Move it.</source>
        <translation>{0} : étiquetée « {1} », le modèle a répondu « {2} » ({3:.0f} %). L’étiquette est-elle fausse ? Déplacez l’image.</translation>
    </message>
</context>
<context>
    <name>RecordImagesForm</name>
    <message>
        <location filename="../record_images.py" line="141"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="142"/>
        <source>Importing {0} item(s) into {1!r}</source>
        <translation>Import de {0} élément(s) dans {1!r}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="336"/>
        <source>Another form already records class {0!r}: choose another name.</source>
        <translation>Un autre formulaire enregistre déjà la classe {0!r} : choisissez un autre nom.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="226"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="17"/>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="213"/>
        <source>No camera: choose a camera in the project settings first.</source>
        <translation>Pas de caméra : choisissez d’abord une caméra dans les réglages du projet.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="217"/>
        <source>Start recording {0}</source>
        <translation>Début de l’enregistrement de {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="221"/>
        <source>Stop recording {0}</source>
        <translation>Fin de l’enregistrement de {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="274"/>
        <source>Moved {0} image(s) of {1!r} to the trash ({2}).</source>
        <translation>{0} image(s) de {1!r} mise(s) à la corbeille ({2}).</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="283"/>
        <source>Import into {0}</source>
        <translation>Importer dans {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="283"/>
        <source>Pictures and videos ({0});;All files (*)</source>
        <translation>Images et vidéos ({0});;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="290"/>
        <source>importing {0}/{1}</source>
        <translation>import {0}/{1}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="295"/>
        <source>{0} file(s) not imported into {1!r}: {2}</source>
        <translation>{0} fichier(s) non importé(s) dans {1!r} : {2}</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="19"/>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="314"/>
        <source>Stop recording {0!r} first.</source>
        <translation>Arrêtez d’abord l’enregistrement de {0!r}.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="316"/>
        <source>Wait for the import into {0!r} to end (or cancel it).</source>
        <translation>Attendez la fin de l’import dans {0!r} (ou annulez-le).</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="329"/>
        <source>Save name</source>
        <translation>Enregistrer le nom</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="20"/>
        <source>Rename</source>
        <translation>Renommer</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="346"/>
        <source>Renamed class {0!r} to {1!r}: split again before uploading.</source>
        <translation>Classe {0!r} renommée en {1!r} : répartissez à nouveau avant l’envoi.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="358"/>
        <source>Remove class {0!r}? Its {1} picture(s) go to the trash (.ai_nano/trash), from where they can be restored.</source>
        <translation>Supprimer la classe {0!r} ? Ses {1} image(s) vont à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="367"/>
        <source>Removed class {0!r}: its pictures are in {1}.</source>
        <translation>Classe {0!r} supprimée : ses images sont dans {1}.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="385"/>
        <source>{0} image</source>
        <translation>{0} image</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="385"/>
        <source>{0} images</source>
        <translation>{0} images</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="10"/>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="15"/>
        <source>class name, e.g. red</source>
        <translation>nom de la classe, p. ex. rouge</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="15"/>
        <source>The name of this class (letters, digits, spaces; no &apos;/&apos; and no leading dot), then press Create.</source>
        <translation>Le nom de cette classe (lettres, chiffres, espaces ; pas de « / » ni de point au début), puis cliquez sur Créer.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="16"/>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="16"/>
        <source>Make this class&apos;s folder; then Start records its pictures.</source>
        <translation>Crée le dossier de cette classe ; ensuite, Démarrer enregistre ses images.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="18"/>
        <source>0 images</source>
        <translation>0 image</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="18"/>
        <source>How many pictures this class has</source>
        <translation>Nombre d’images de cette classe</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="19"/>
        <source>Add pictures (JPEG, PNG, BMP, WebP) or videos to this class; you can also drop files or folders on this form</source>
        <translation>Ajoute des images (JPEG, PNG, BMP, WebP) ou des vidéos à cette classe ; vous pouvez aussi déposer des fichiers ou des dossiers sur ce formulaire</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="20"/>
        <source>Edit the class name, then press Enter or Save name; split again afterwards</source>
        <translation>Modifiez le nom de la classe, puis appuyez sur Entrée ou Enregistrer le nom ; répartissez à nouveau ensuite</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="21"/>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="21"/>
        <source>Remove this class: its pictures go to the trash (.ai_nano/trash), from where they can be restored</source>
        <translation>Supprime cette classe : ses images vont à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="22"/>
        <source>The newest pictures of this class: select bad ones and press Delete.</source>
        <translation>Les images les plus récentes de cette classe : sélectionnez les mauvaises et cliquez sur Effacer.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="23"/>
        <source>Delete</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="23"/>
        <source>Move the selected pictures to the trash (.ai_nano/trash), from where they can be restored</source>
        <translation>Met les images sélectionnées à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="17"/>
        <source>Record pictures of this class from the camera (about 5 a second) until Stop. Space starts and stops the selected class.</source>
        <translation>Enregistre des images de cette classe depuis la caméra (environ 5 par seconde) jusqu’à Arrêter. Espace démarre et arrête la classe sélectionnée.</translation>
    </message>
</context>
<context>
    <name>ResultsController</name>
    <message>
        <location filename="../window_results.py" line="135"/>
        <source>Trainings</source>
        <translation>Entraînements</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="203"/>
        <source>Moved {0} to {1}; the next upload splits the pictures again.</source>
        <translation>{0} déplacée vers {1} ; le prochain envoi refait la répartition des images.</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="227"/>
        <source>The last training of {0}, read from the DL server.</source>
        <translation>Le dernier entraînement de {0}, lu sur le serveur DL.</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="259"/>
        <source>Model {0} chosen for the steps 6 to 8</source>
        <translation>Modèle {0} choisi pour les étapes 6 à 8</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="276"/>
        <source>saving the model…</source>
        <translation>enregistrement du modèle…</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="276"/>
        <source>Model saved in {0} (README.txt says how to run it)</source>
        <translation>Modèle enregistré dans {0} (README.txt explique comment l’exécuter)</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="284"/>
        <source>Save the model in…</source>
        <translation>Enregistrer le modèle dans…</translation>
    </message>
</context>
<context>
    <name>TestResultsPanel</name>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Correct / images</source>
        <translation>Correctes / images</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Accuracy</source>
        <translation>Précision</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="55"/>
        <source>Confusion matrix: rows are the true class, columns the class the model answered; the diagonal counts the correct answers.</source>
        <translation>Matrice de confusion : les lignes sont la vraie classe, les colonnes la classe répondue par le modèle ; la diagonale compte les bonnes réponses.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="60"/>
        <source>Per class</source>
        <translation>Par classe</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="77"/>
        <source>No test results yet: they appear after the ONNX conversion.</source>
        <translation>Pas encore de résultats de test : ils apparaissent après la conversion en ONNX.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="98"/>
        <source>Test set: {0} of {1} images recognised ({2:.1f} %)</source>
        <translation>Ensemble de test : {0} images sur {1} reconnues ({2:.1f} %)</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="101"/>
        <source>the Nano&apos;s</source>
        <translation>celui de la Nano</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="104"/>
        <source>Computed with the Nano&apos;s preprocessing ({0}) on the images of test/, which the training never saw.</source>
        <translation>Calculé avec le prétraitement de la Nano ({0}) sur les images de test/, que l’entraînement n’a jamais vues.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="129"/>
        <source>class #{0}</source>
        <translation>classe n° {0}</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="133"/>
        <source>true: {0}</source>
        <translation>vraie : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="143"/>
        <source>{0} image(s) of &apos;{1}&apos; answered as &apos;{2}&apos;</source>
        <translation>{0} image(s) de « {1} » reconnue(s) comme « {2} »</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="155"/>
        <source>{0} (&apos;{1}&apos; answered as &apos;{2}&apos;, {3:.0f} %)</source>
        <translation>{0} (« {1} » reconnue comme « {2} », {3:.0f} %)</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="158"/>
        <source> and {0} more</source>
        <translation> et {0} autre(s)</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="160"/>
        <source>Wrong answers in test/: {0}{1}.</source>
        <translation>Mauvaises réponses dans test/ : {0}{1}.</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <location filename="../widgets/training.py" line="77"/>
        <source>Accuracy</source>
        <translation>Précision</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="284"/>
        <source>Loss</source>
        <translation>Perte</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="81"/>
        <source>loss</source>
        <translation>perte</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="122"/>
        <source>No training yet.</source>
        <translation>Pas encore d’entraînement.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="308"/>
        <source>not started</source>
        <translation>pas commencé</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="152"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="161"/>
        <source>
(and {0} more in the Log)</source>
        <translation>
(et {0} de plus dans le Journal)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="193"/>
        <source>{0} classes ({1})</source>
        <translation>{0} classes ({1})</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="195"/>
        <source>{0} classes</source>
        <translation>{0} classes</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="198"/>
        <source>Training on {0}: {1}, {2} training and {3} validation images at {4} px.</source>
        <translation>Entraînement sur {0} : {1}, {2} images d’entraînement et {3} de validation en {4} px.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="215"/>
        <source>Training failed: {0}</source>
        <translation>Échec de l’entraînement : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="221"/>
        <source>Waiting for the GPU ({0} ahead).</source>
        <translation>En attente du GPU ({0} avant vous).</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="222"/>
        <source>Pending in the cluster&apos;s queue ({0} ahead): {1}</source>
        <translation>En attente dans la file du cluster ({0} avant vous) : {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="224"/>
        <source>Training is running on the DL server.</source>
        <translation>L’entraînement tourne sur le serveur DL.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="225"/>
        <source>Training stopped.</source>
        <translation>Entraînement arrêté.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="226"/>
        <source>Training failed (exit status {0}).</source>
        <translation>Échec de l’entraînement (code de sortie {0}).</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="284"/>
        <source>Loss (log scale)</source>
        <translation>Perte (échelle log)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="305"/>
        <source>stopped early after epoch {0} of {1}</source>
        <translation>arrêt anticipé après l’époque {0} sur {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="306"/>
        <source>finished: {0} of {1} epochs</source>
        <translation>terminé : {0} époques sur {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="308"/>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="313"/>
        <source>epoch {0} of {1}, time left ~ {2}</source>
        <translation>époque {0} sur {1}, temps restant ~ {2}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="315"/>
        <source>epoch {0} of {1} (early stopping: likely about {2}), time left ~ {3}, at most {4}</source>
        <translation>époque {0} sur {1} (arrêt anticipé : probablement vers {2}), temps restant ~ {3}, au plus {4}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="324"/>
        <source>Best validation accuracy so far: {0:.1f} %</source>
        <translation>Meilleure précision de validation jusqu’ici : {0:.1f} %</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="328"/>
        <source>Best validation accuracy: {0:.1f} % (epoch {1}); that model is the one exported.</source>
        <translation>Meilleure précision de validation : {0:.1f} % (époque {1}) ; c’est ce modèle qui est exporté.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="334"/>
        <source>Stopped early after epoch {0} of {1}: the validation accuracy did not improve for {2} epochs; the best model is from epoch {3}.</source>
        <translation>Arrêt anticipé après l’époque {0} sur {1} : la précision de validation ne s’est pas améliorée pendant {2} époques ; le meilleur modèle est celui de l’époque {3}.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="338"/>
        <source>Finished all {0} epochs; the best epoch was the last one: more epochs might still improve the model.</source>
        <translation>Les {0} époques sont terminées ; la meilleure était la dernière : plus d’époques pourraient encore améliorer le modèle.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="341"/>
        <source>Finished all {0} epochs; best epoch {1}.</source>
        <translation>Les {0} époques sont terminées ; meilleure époque : {1}.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="146"/>
        <source>Training from scratch (weights: {0}): expect a lower accuracy; more pictures and epochs help.</source>
        <translation>Entraînement à partir de zéro (poids : {0}) : précision plus faible à prévoir ; plus d’images et d’époques aident.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="172"/>
        <source>No GPU on the DL server: training runs on its CPU, much slower.</source>
        <translation>Pas de GPU sur le serveur DL : l’entraînement tourne sur son CPU, beaucoup plus lentement.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="178"/>
        <source>Few pictures: {0} for training in {1} classes (about {2} each); record more, with varied backgrounds and light.</source>
        <translation>Peu d’images : {0} pour l’entraînement en {1} classes (environ {2} chacune) ; enregistrez-en plus, avec des fonds et des éclairages variés.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="81"/>
        <source>epoch</source>
        <translation>époque</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="92"/>
        <source>train</source>
        <translation>entraînement</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="95"/>
        <source>validation</source>
        <translation>validation</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="89"/>
        <source>best</source>
        <translation>meilleure</translation>
    </message>
</context>
<context>
    <name>VirtualLed</name>
    <message>
        <location filename="../widgets/live.py" line="69"/>
        <source>pin {0}
{1}</source>
        <translation>broche {0}
{1}</translation>
    </message>
</context>
<context>
    <name>app_state</name>
    <message>
        <location filename="../app_state.py" line="95"/>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="96"/>
        <source>Save log…</source>
        <translation>Enregistrer le journal…</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="99"/>
        <source>About ai_nano</source>
        <translation>À propos d’ai_nano</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="100"/>
        <source>ai_nano {0}

Log file: {1}</source>
        <translation>ai_nano {0}

Fichier journal : {1}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="100"/>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="112"/>
        <source>Save log</source>
        <translation>Enregistrer le journal</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="117"/>
        <source>Log saved to {0}</source>
        <translation>Journal enregistré dans {0}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="124"/>
        <source>details in {0}</source>
        <translation>détails dans {0}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="124"/>
        <source>details on the console</source>
        <translation>détails dans la console</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="135"/>
        <source>Unexpected error ({0}); the app goes on; {1}</source>
        <translation>Erreur inattendue ({0}) ; l’application continue ; {1}</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../window_input.py" line="59"/>
        <source>Choose the working space (or make a new folder)</source>
        <translation>Choisissez l’espace de travail (ou créez un nouveau dossier)</translation>
    </message>
</context>
</TS>
